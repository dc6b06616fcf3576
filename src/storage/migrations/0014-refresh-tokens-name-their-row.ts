import { type Kysely, sql } from "kysely";

/**
 * Refresh tokens become `<session id>.<secret>` (domain/refresh-token.ts) and are read by
 * the primary key. Until now each was found by a unique B-tree on token_hash, 64 hex
 * characters of random keys: at 5,000,000 sessions 596 MB, the table's largest index, of
 * which every rotation read one random page and wrote two (BENCHMARKS.md, "Refresh at 1M
 * users").
 *
 * Rows written before this keep token_names_row false, and their tokens still work until
 * they expire: the unique index lives on for them alone (partial), so rows written from now
 * on never enter it, and it empties as purge-expired removes the old ones. Building it reads
 * the table once, inside the migration's transaction: writes to refresh_sessions wait that
 * long (8 s for 5,300,000 rows on the bench machine).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // A constant default: PostgreSQL 11+ stores it once instead of rewriting every row.
  await sql`alter table refresh_sessions
    add column token_names_row boolean not null default false`.execute(db);
  await sql`create unique index refresh_sessions_unnamed_token_hash
    on refresh_sessions (token_hash) where not token_names_row`.execute(db);
  await sql`alter table refresh_sessions
    drop constraint refresh_sessions_token_hash_key`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table refresh_sessions
    add constraint refresh_sessions_token_hash_key unique (token_hash)`.execute(db);
  await sql`drop index refresh_sessions_unnamed_token_hash`.execute(db);
  await sql`alter table refresh_sessions drop column token_names_row`.execute(db);
}
