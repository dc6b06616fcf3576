import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import type { Database } from "../schema.js";
import { pgliteDialect } from "./pglite-dialect.js";

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
 * PGlite in `dir`, or in memory when dir is undefined. One process at a time: a lock
 * file says which. A snapshot (from dumpPglite) starts an in-memory database from a
 * copy instead of running initdb, which is most of a first start's cost.
 */
export async function openPglite(dir: string | undefined, snapshot?: Blob): Promise<PgliteHandle> {
  const unlock = dir ? lockDirectory(dir) : () => {};
  try {
    const client = await PGlite.create({
      ...(dir ? { dataDir: dir } : snapshot ? { loadDataDir: snapshot } : {}),
      // PostgreSQL's default 128 MB of shared buffers lives in PGlite's WASM heap, in
      // this process: an embedded database this size needs far less.
      startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"],
    });
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
  const client = await PGlite.create({});
  try {
    await prepare(new Kysely<Database>({ dialect: pgliteDialect(client) }));
    return await client.dumpDataDir("none");
  } finally {
    await client.close();
  }
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
