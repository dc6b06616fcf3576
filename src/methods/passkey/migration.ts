import { type Kysely, sql } from "kysely";

/**
 * Issue 16's passkeys (README, "Passkeys"): the credentials, each user's random WebAuthn user
 * handle, and the challenges between options and response. Every row belongs to a user (a
 * sign-in challenge to nobody yet) and goes with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("passkey_credentials")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // The authenticator's credential ID, base64url: what a sign-in response names.
    .addColumn("credential_id", "text", (c) => c.notNull().unique())
    // The COSE public key as registered, base64url; public, so stored as is.
    .addColumn("public_key", "text", (c) => c.notNull())
    // The signature counter: one that does not move forward is refused (clone detection).
    .addColumn("counter", "bigint", (c) => c.notNull())
    // JSON array of the transports the browser reported (usb, nfc, internal, hybrid …).
    .addColumn("transports", "text", (c) => c.notNull())
    .addColumn("device_type", "text", (c) =>
      c.notNull().check(sql`device_type in ('singleDevice', 'multiDevice')`),
    )
    .addColumn("backed_up", "boolean", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz")
    .execute();
  await sql`create index passkey_credentials_user on passkey_credentials (user_id, created_at)`.execute(
    db,
  );

  await db.schema
    .createTable("passkey_user_handles")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    // 32 random bytes, base64url: never the id or email (the HTTP contract, "Passkeys"), so
    // an authenticator's list of accounts tells nothing about them.
    .addColumn("handle", "text", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("passkey_challenges")
    // SHA-256 of the challenge: the table holds none that a response could answer.
    .addColumn("challenge_hash", "text", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) =>
      c.notNull().check(sql`purpose in ('register', 'login', 'mfa')`),
    )
    // The user a registration (or MFA) challenge is bound to; null for a sign-in's.
    .addColumn("user_id", "uuid", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index passkey_challenges_expires_at on passkey_challenges (expires_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("passkey_challenges").ifExists().execute();
  await db.schema.dropTable("passkey_user_handles").ifExists().execute();
  await db.schema.dropTable("passkey_credentials").ifExists().execute();
}
