import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // How each session was proven (README, "Assurance levels and claims"):
  // a refresh copies them, so a session keeps the level it started with. Sessions older
  // than this migration all came from a one-factor sign-in.
  await sql`alter table refresh_sessions
    add column aal text not null default 'aal1',
    add column amr text[] not null default '{pwd}'`.execute(db);
  // Every authenticated request asks whether its session (family) still has a live token:
  // this index holds one row per live session, however long its chain of rotated rows.
  await sql`create index refresh_sessions_live_family on refresh_sessions (family_id)
    where revoked_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists refresh_sessions_live_family`.execute(db);
  await db.schema.alterTable("refresh_sessions").dropColumn("amr").dropColumn("aal").execute();
}
