import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import type { DatabaseTarget } from "../../src/storage/database.js";
import { dumpPglite } from "../../src/storage/drivers/pglite.js";
import { dropSchema } from "../../src/storage/drivers/postgres.js";
import { migrateToLatest } from "../../src/storage/migrate.js";

export interface StoreUnderTest {
  name: "PGlite" | "PostgreSQL";
  /** A fresh database: in-memory PGlite, or a new schema on the test PostgreSQL. */
  target(): DatabaseTarget;
  /** Drops what target() made. */
  cleanup(target: DatabaseTarget): Promise<void>;
}

const postgresUrl = process.env.TEST_DATABASE_URL;

let snapshot: Promise<Blob> | undefined;

/**
 * PGlite's initdb dominates a server start in tests: each worker makes one migrated
 * database, and every test database starts as a copy of it.
 */
export function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= dumpPglite(async (db) => {
    await migrateToLatest(db);
  });
  return snapshot;
}

export const pglite: StoreUnderTest = {
  name: "PGlite",
  target: () => ({ kind: "pglite" }),
  cleanup: async () => {},
};

const postgres: StoreUnderTest | null = postgresUrl
  ? {
      name: "PostgreSQL",
      target: () => ({
        kind: "postgres",
        url: postgresUrl,
        schema: `lk_test_${process.pid}_${randomBytes(4).toString("hex")}`,
      }),
      cleanup: async (target) => {
        if (target.kind === "postgres" && target.schema)
          await dropSchema(postgresUrl, target.schema);
      },
    }
  : null;

let warned = false;

/** Runs the suite on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set. */
export function describeEachStore(title: string, suite: (store: StoreUnderTest) => void): void {
  if (!postgres && !warned) {
    warned = true;
    console.warn("TEST_DATABASE_URL not set: suites run on PGlite only, PostgreSQL skipped");
  }
  for (const store of postgres ? [pglite, postgres] : [pglite]) {
    describe(`${title} [${store.name}]`, () => suite(store));
  }
}
