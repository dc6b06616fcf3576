import { type Kysely, sql } from "kysely";

/**
 * A pending sign-up is a code plus the data it activates (README, "Signing up again with
 * a pending email"): an email may hold several live codes, each carrying its own sign-up's
 * password hash, name, username and language. A reset keeps one live secret per user.
 * Guesses at an email with no live code are counted too (code_guesses), so the answers
 * cannot tell a known email from an unknown one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table verification_codes drop constraint verification_codes_pkey`.execute(db);
  await db.schema
    .alterTable("verification_codes")
    // The sign-up's own id: what the repeated sign-up's caller gets back as userId.
    .addColumn("sign_up_id", "uuid")
    .addColumn("password_hash", "text")
    .addColumn("name", "text")
    .addColumn("username", "text")
    .addColumn("locale", "text")
    // When the sign-up was made: a resent code's mail still names that moment.
    .addColumn("signed_up_at", "timestamptz")
    .execute();
  await sql`alter table verification_codes add constraint verification_codes_pkey primary key (secret_hash)`.execute(
    db,
  );
  await sql`create unique index verification_codes_one_reset on verification_codes (user_id, purpose) where purpose = 'reset'`.execute(
    db,
  );
  await sql`create index verification_codes_user on verification_codes (user_id, purpose)`.execute(
    db,
  );
  // A resend re-issues a sign-up's code under the same sign-up id: not unique.
  await sql`create index verification_codes_sign_up_id on verification_codes (sign_up_id) where sign_up_id is not null`.execute(
    db,
  );
  await db.schema
    .createTable("code_guesses")
    // SHA-256 of who was named (an email or an id): no address of a non-user is stored.
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('email', 'reset')`))
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("code_guesses_pkey", ["subject", "purpose"])
    .execute();
  await db.schema
    .createIndex("code_guesses_expires_at")
    .on("code_guesses")
    .column("expires_at")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("code_guesses").ifExists().execute();
  // Keep the newest secret of each (user, purpose): the old key allows one.
  await sql`delete from verification_codes v using verification_codes w
    where v.user_id = w.user_id and v.purpose = w.purpose
      and (v.created_at, v.secret_hash) < (w.created_at, w.secret_hash)`.execute(db);
  await sql`drop index if exists verification_codes_sign_up_id`.execute(db);
  await sql`drop index if exists verification_codes_user`.execute(db);
  await sql`drop index if exists verification_codes_one_reset`.execute(db);
  await sql`alter table verification_codes drop constraint verification_codes_pkey`.execute(db);
  await db.schema
    .alterTable("verification_codes")
    .dropColumn("signed_up_at")
    .dropColumn("locale")
    .dropColumn("username")
    .dropColumn("name")
    .dropColumn("password_hash")
    .dropColumn("sign_up_id")
    .execute();
  await sql`alter table verification_codes add constraint verification_codes_pkey primary key (user_id, purpose)`.execute(
    db,
  );
}
