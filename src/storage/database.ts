import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { openPostgres, type PreparedStatements } from "./drivers/postgres.js";
import type { Database } from "./schema.js";

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: "pglite" | "postgres";
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: "postgres"; url: string; schema?: string; maxConnections?: number }
  | { kind: "pglite"; dir?: string; snapshot?: Blob };

export function databaseTarget(config: {
  databaseUrl: string | undefined;
  dataDir: string;
}): DatabaseTarget {
  return config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl }
    : { kind: "pglite", dir: join(config.dataDir, "db") };
}

export interface DriverOptions {
  /** PostgreSQL only: statements go prepared (drivers/prepared-statements.ts). */
  preparedStatements?: PreparedStatements | undefined;
}

export async function openDatabase(
  target: DatabaseTarget,
  driver: DriverOptions = {},
): Promise<DatabaseHandle> {
  // PGlite only when used: a server on PostgreSQL never loads it.
  const handle =
    target.kind === "postgres"
      ? await openPostgres(
          driver.preparedStatements
            ? { ...target, preparedStatements: driver.preparedStatements }
            : target,
        )
      : await (await import("./drivers/pglite.js")).openPglite(target.dir, target.snapshot);
  return {
    db: handle.db,
    kind: target.kind,
    ping: async () => {
      await sql`select 1`.execute(handle.db);
    },
    close: handle.close,
  };
}
