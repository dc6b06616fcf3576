import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  sql,
} from "kysely";
import * as oauth from "../methods/oauth/migration.js";
import * as passkeys from "../methods/passkey/migration.js";
import * as secondFactors from "../methods/totp/migration.js";
import * as init from "./migrations/0001-init.js";
import * as auditEvents from "./migrations/0002-audit-events.js";
import * as usersLegacyLocale from "./migrations/0003-users-legacy-locale.js";
import * as mailOutbox from "./migrations/0004-mail-outbox.js";
import * as pendingSignUps from "./migrations/0005-pending-sign-ups.js";
import * as sessionAssurance from "./migrations/0006-session-assurance.js";
import * as secondFactorCount from "./migrations/0009-second-factor-count.js";
import * as webhooks from "./migrations/0011-webhooks.js";
import * as usersSearchTrigrams from "./migrations/0012-users-search-trigrams.js";
import * as webhookDeliveriesFinished from "./migrations/0013-webhook-deliveries-finished.js";
import * as refreshTokensNameTheirRow from "./migrations/0014-refresh-tokens-name-their-row.js";
import type { Database } from "./schema.js";

/** Migrations are compiled in, not read from disk, so both drivers and the CLI run the same set. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-init": init,
  "0002-audit-events": auditEvents,
  "0003-users-legacy-locale": usersLegacyLocale,
  "0004-mail-outbox": mailOutbox,
  "0005-pending-sign-ups": pendingSignUps,
  "0006-session-assurance": sessionAssurance,
  "0007-second-factors": secondFactors,
  "0008-passkeys": passkeys,
  "0009-second-factor-count": secondFactorCount,
  "0010-oauth": oauth,
  "0011-webhooks": webhooks,
  "0012-users-search-trigrams": usersSearchTrigrams,
  "0013-webhook-deliveries-finished": webhookDeliveriesFinished,
  "0014-refresh-tokens-name-their-row": refreshTokensNameTheirRow,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export interface MigrationReport {
  applied: string[];
}

export function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  return migrate(db, (migrator) => migrator.migrateToLatest());
}

/** Up to and including `name`: how a test makes a database as an older version left it. */
export function migrateTo(db: Kysely<Database>, name: string): Promise<MigrationReport> {
  return migrate(db, (migrator) => migrator.migrateTo(name));
}

async function migrate(
  db: Kysely<Database>,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrationReport> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; with
  // several schemas in one database (tests, or tenants) it would find another's.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrationTableSchema = rows[0]?.schema;
  const migrator = new Migrator({
    db,
    provider,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await run(migrator);
  if (error) throw error;
  return {
    applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
  };
}
