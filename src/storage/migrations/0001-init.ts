import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text")
    .addColumn("username", "text")
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'active', 'blocked')`),
    )
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('user', 'admin')`))
    .addColumn("email_verified_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
  // Usernames are unique regardless of case, and only when set.
  await sql`create unique index users_username_key on users (lower(username)) where username is not null`.execute(
    db,
  );
  await sql`create index users_created_at_id on users (created_at, id)`.execute(db);

  await db.schema
    .createTable("verification_codes")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('email', 'reset')`))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('code', 'link')`))
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("verification_codes_pkey", ["user_id", "purpose"])
    .execute();
  await db.schema
    .createIndex("verification_codes_expires_at")
    .on("verification_codes")
    .column("expires_at")
    .execute();

  await db.schema
    .createTable("refresh_sessions")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("family_id", "uuid", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("family_started_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("last_used_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .addColumn("replaced_by", "uuid")
    .addColumn("user_agent", "text")
    .addColumn("ip", "text")
    .execute();
  await db.schema
    .createIndex("refresh_sessions_family_id")
    .on("refresh_sessions")
    .column("family_id")
    .execute();
  await db.schema
    .createIndex("refresh_sessions_user_id")
    .on("refresh_sessions")
    .column("user_id")
    .execute();
  await db.schema
    .createIndex("refresh_sessions_expires_at")
    .on("refresh_sessions")
    .column("expires_at")
    .execute();

  await db.schema
    .createTable("signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("alg", "text", (c) => c.notNull())
    .addColumn("public_jwk", "jsonb", (c) => c.notNull())
    .addColumn("private_jwk", "jsonb", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("retired_at", "timestamptz")
    .addColumn("expires_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["signing_keys", "refresh_sessions", "verification_codes", "users"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
