import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as init from "./migrations/0001-init.js";
import type { Database } from "./schema.js";

/** Migrations are compiled in, not read from disk, so both drivers and the CLI run the same set. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-init": init,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return {
    applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
  };
}
