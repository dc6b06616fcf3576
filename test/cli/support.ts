import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { describe, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/storage/database.js";

const BIN = resolve(import.meta.dirname, "../../bin/latchkey.js");
const ROOT = resolve(import.meta.dirname, "../..");

/** Spawning the real bin costs one to a few seconds (tsx, PGlite start): tests allow for it. */
export const CLI_TIMEOUT = 300_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/latchkey.js ...args` as an operator would, with only the environment
 * given (plus PATH): nothing leaks in from the test process.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: { input?: string; onSpawn?: (pid: number) => void } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** The one line a failed command prints: `latchkey: ...`. */
export function errorLine(result: CliResult): string {
  const lines = result.stderr.trim().split("\n");
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${result.stderr}`);
  return lines[0] as string;
}

export interface CliDatabase {
  name: "PGlite" | "PostgreSQL";
  /** DATA_DIR, and DATABASE_URL for PostgreSQL: what the CLI is run with. */
  env: Record<string, string>;
  /** A temporary folder for fixtures and output files. */
  dir: string;
  /** Opens the same database from the test (the CLI must not be running on PGlite). */
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

async function pgliteDatabase(): Promise<CliDatabase> {
  const dir = await mkdtemp(join(tmpdir(), "lk-cli-"));
  return {
    name: "PGlite",
    env: { DATA_DIR: dir },
    dir,
    open: () => openDatabase({ kind: "pglite", dir: join(dir, "db") }),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A database of its own in the test cluster: DATABASE_URL names a database, not a schema,
 * so the CLI gets a fresh one, dropped afterwards.
 */
async function postgresDatabase(url: string): Promise<CliDatabase> {
  const name = `lk_cli_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(url, `create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), "lk-cli-pg-"));
  return {
    name: "PostgreSQL",
    // As an operator on PostgreSQL sets it: without it the CLI warns on stderr (runtime.ts).
    env: {
      DATABASE_URL: own.toString(),
      DATA_DIR: dir,
      ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    },
    dir,
    open: () => openDatabase({ kind: "postgres", url: own.toString(), maxConnections: 2 }),
    drop: async () => {
      await adminQuery(url, `drop database if exists ${name} with (force)`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const postgresUrl = process.env.TEST_DATABASE_URL;
let warned = false;

/** The suite on PGlite in a temporary DATA_DIR, and on PostgreSQL when TEST_DATABASE_URL is set. */
export function describeEachDatabase(
  title: string,
  suite: (database: () => Promise<CliDatabase>) => void,
): void {
  describe(`${title} (PGlite)`, () => suite(pgliteDatabase));
  if (postgresUrl) {
    describe(`${title} (PostgreSQL)`, () => suite(() => postgresDatabase(postgresUrl)));
  } else {
    if (!warned) console.warn("TEST_DATABASE_URL not set: CLI tests on PostgreSQL skipped");
    warned = true;
    describe.skip(`${title} (PostgreSQL)`, () => {
      it("needs TEST_DATABASE_URL", () => {});
    });
  }
}

/** Opens the database, runs fn, closes it: the CLI and the test never hold PGlite at once. */
export async function inDatabase<T>(
  database: CliDatabase,
  fn: (db: DatabaseHandle["db"]) => Promise<T>,
): Promise<T> {
  const handle = await database.open();
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}

/** Runs the tasks with at most `limit` at once (CLI processes on a small machine). */
export async function inParallel<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
