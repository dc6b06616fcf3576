import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("users")
    // The `_id` an imported user had in the older system: re-running an import finds it.
    .addColumn("legacy_id", "text")
    // BCP 47 language tag for mail and pages; null means the default language.
    .addColumn("locale", "text")
    .execute();
  await sql`create unique index users_legacy_id_key on users (legacy_id) where legacy_id is not null`.execute(
    db,
  );
  // Admin search by email, name or username prefix/substring.
  await sql`create index users_role_status on users (role, status)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists users_role_status`.execute(db);
  await sql`drop index if exists users_legacy_id_key`.execute(db);
  await db.schema.alterTable("users").dropColumn("locale").dropColumn("legacy_id").execute();
}
