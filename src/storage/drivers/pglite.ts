import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { pgliteDialect } from "./pglite-dialect.js";
import { ensurePgliteCluster } from "./pglite-initdb.js";

export class DatabaseInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by process ${pid}. Stop the server first, or set DATABASE_URL to use PostgreSQL.`,
    );
    this.name = "DatabaseInUseError";
  }
}

export interface PgliteHandle {
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * PostgreSQL's memory lives in PGlite's WASM heap, in this process, and that heap never
 * shrinks. Each setting below was measured on an opened data directory (resident memory
 * of the WASM heap, which reserves far more than it touches; the numbers are in
 * BENCHMARKS.md, "Memory (RSS)"):
 * - shared_buffers is zeroed at start, so it is resident in full whether used or not.
 *   Smaller saves memory down to a point where random lookups on a larger database start
 *   costing CPU (pages come back through the file system): 4MB is about that point.
 * - max_connections sizes the per-backend shared arrays (PGPROC, lock tables, ...);
 *   PGlite runs one single-user backend, so 2 is plenty.
 * - work_mem and maintenance_work_mem bound how far one sort or index build can grow
 *   the heap (it never gives memory back); past them PostgreSQL spills to temporary
 *   files. Defaults: 4MB and 64MB.
 */
const START_PARAMS = [
  ...PGlite.defaultStartParams,
  ...[
    "shared_buffers=4MB",
    "max_connections=2",
    "work_mem=2MB",
    "maintenance_work_mem=16MB",
  ].flatMap((setting) => ["-c", setting]),
];

/**
 * PGlite in `dir`, or in memory when dir is undefined. One process at a time: a lock
 * file says which. A snapshot (from dumpPglite) starts an in-memory database from a
 * copy instead of running initdb, which is most of a first start's cost. A directory
 * without a database is initialised in a child process first (ensurePgliteCluster),
 * so this process never runs initdb, which would leave it hundreds of MiB larger for
 * good (pglite-initdb.ts).
 */
export async function openPglite(dir: string | undefined, snapshot?: Blob): Promise<PgliteHandle> {
  const unlock = dir ? lockDirectory(dir) : () => {};
  try {
    if (dir) await ensurePgliteCluster(dir);
    const client = await createPglite(
      dir ? { dataDir: dir } : snapshot ? { loadDataDir: snapshot } : {},
    );
    const db = new Kysely<Database>({ dialect: pgliteDialect(client) });
    return {
      db,
      close: async () => {
        await db.destroy();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** A copy of a fresh in-memory database after `prepare` (e.g. migrations) ran on it. */
export async function dumpPglite(prepare: (db: Kysely<Database>) => Promise<void>): Promise<Blob> {
  const client = await createPglite({});
  try {
    await prepare(new Kysely<Database>({ dialect: pgliteDialect(client) }));
    return await client.dumpDataDir("none");
  } finally {
    await client.close();
  }
}

let baselineCompilerOnly = false;

function createPglite(options: PGliteOptions): Promise<PGlite> {
  // V8 compiles PGlite's WASM lazily with its baseline compiler (Liftoff), then
  // re-compiles hot functions with TurboFan on background threads. Those compiles take
  // tens of MiB of zone memory, which glibc keeps once freed. Liftoff's code costs
  // nothing measurable here, because PGlite's time goes to its JS glue and to copying,
  // not to tight WASM loops: per-query CPU stayed the same, process CPU fell (no
  // background compiles), bulk inserts as fast (BENCHMARKS.md, "Memory (RSS)"). It has
  // to be set before PGlite's module is compiled; besides PGlite, only Node's own small
  // helpers (the CommonJS export lexer, fetch's HTTP parser) run WebAssembly in this process.
  if (!baselineCompilerOnly) {
    setFlagsFromString("--liftoff-only");
    baselineCompilerOnly = true;
  }
  return PGlite.create({ ...options, startParams: START_PARAMS });
}

function lockDirectory(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockFile = join(dir, "latchkey.lock");
  const holder = readLockHolder(lockFile);
  if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
    throw new DatabaseInUseError(dir, holder);
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function readLockHolder(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
