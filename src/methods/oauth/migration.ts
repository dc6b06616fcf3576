import { type Kysely, sql } from "kysely";

/**
 * Issue 17's sign-in with other providers (README, "Sign-in with other providers"): the
 * identities linked to users, the authorizations in flight, and the one-time codes apps
 * exchange. Every row of a user goes with the user.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("oauth_identities")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    // The key of an identity: never the email, which a provider may let anyone claim
    // (OWASP ASVS 5.0 6.8.1).
    .addUniqueConstraint("oauth_identities_key", ["provider", "issuer", "subject"])
    .execute();
  await sql`create index oauth_identities_user on oauth_identities (user_id, created_at)`.execute(
    db,
  );

  await db.schema
    .createTable("oauth_states")
    // SHA-256 of the state: the table holds none that a callback could present.
    .addColumn("state_hash", "text", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("nonce", "text", (c) => c.notNull())
    .addColumn("code_verifier", "text", (c) => c.notNull())
    .addColumn("redirect_to", "text", (c) => c.notNull())
    .addColumn("app_code_challenge", "text")
    .addColumn("link_user_id", "uuid", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index oauth_states_expires_at on oauth_states (expires_at)`.execute(db);

  await db.schema
    .createTable("oauth_grants")
    // SHA-256 of the one-time code the app exchanges.
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("app_code_challenge", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .execute();
  await sql`create index oauth_grants_expires_at on oauth_grants (expires_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("oauth_grants").ifExists().execute();
  await db.schema.dropTable("oauth_states").ifExists().execute();
  await db.schema.dropTable("oauth_identities").ifExists().execute();
}
