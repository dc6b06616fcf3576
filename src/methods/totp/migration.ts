import { type Kysely, sql } from "kysely";

/**
 * Issue 15's second factors (the HTTP contract, "Second factors"): TOTP factors, recovery
 * codes, the challenge between the first factor and the second (the mfaToken), and failures
 * per user and method. Every row belongs to a user and goes with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("mfa_factors")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // Passkeys get a table of their own: their credentials are not a shared secret.
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('totp')`))
    .addColumn("name", "text")
    // The seed, sealed with AES-256-GCM (crypto/secret-box.ts); the store never opens it.
    .addColumn("secret_sealed", "text", (c) => c.notNull())
    // Null until a first code proves the user holds the seed; until then the factor does nothing.
    .addColumn("confirmed_at", "timestamptz")
    // The last accepted time step: one step is accepted once per factor (ASVS 5.0 6.5.1).
    .addColumn("last_step", "bigint")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz")
    .execute();
  await sql`create index mfa_factors_user on mfa_factors (user_id, created_at)`.execute(db);
  // The purge looks only for unconfirmed factors, a handful at any time.
  await sql`create index mfa_factors_unconfirmed on mfa_factors (created_at)
    where confirmed_at is null`.execute(db);

  await db.schema
    .createTable("mfa_recovery_codes")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // SHA-256 hex of the normalised code: at least 112 bits, so a fast hash is enough (ASVS 6.5.2).
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("mfa_recovery_codes_pkey", ["user_id", "code_hash"])
    .execute();

  await db.schema
    .createTable("mfa_challenges")
    // SHA-256 of the mfaToken: a stolen table holds no token that works.
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // The amr values proven before the second factor, e.g. {pwd}.
    .addColumn("proofs", sql`text[]`, (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("failures", "integer", (c) => c.notNull().defaultTo(0))
    // Set when the challenge is consumed, or killed by its last allowed failure.
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index mfa_challenges_user on mfa_challenges (user_id)`.execute(db);
  await sql`create index mfa_challenges_expires_at on mfa_challenges (expires_at)`.execute(db);

  await db.schema
    .createTable("mfa_failures")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // Recovery codes count apart from TOTP (the HTTP contract, "Second factors": Limits).
    .addColumn("method", "text", (c) => c.notNull().check(sql`method in ('totp', 'recovery_code')`))
    .addColumn("consecutive", "integer", (c) => c.notNull())
    .addColumn("last_failed_at", "timestamptz", (c) => c.notNull())
    // Set at the limit of consecutive failures (NIST SP 800-63B-4 §3.2.2), until an admin resets.
    .addColumn("locked_at", "timestamptz")
    .addPrimaryKeyConstraint("mfa_failures_pkey", ["user_id", "method"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("mfa_failures").ifExists().execute();
  await db.schema.dropTable("mfa_challenges").ifExists().execute();
  await db.schema.dropTable("mfa_recovery_codes").ifExists().execute();
  await db.schema.dropTable("mfa_factors").ifExists().execute();
}
