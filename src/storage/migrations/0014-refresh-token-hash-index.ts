import { type Kysely, sql } from "kysely";

/**
 * Refresh tokens are found by the SHA-256 of the token, 64 hex characters, and only ever by
 * equality. As a unique B-tree that index was the biggest on the busiest table: 596 MB for
 * 5,000,000 sessions, twice the table's own primary key, and every rotation reads one random
 * page of it and writes two. A hash index keeps a 4-byte hash code per row: 160 MB for the
 * same rows, so far more of it stays in shared buffers (BENCHMARKS.md, "The scale curve").
 *
 * A hash index cannot be unique. Nothing relied on it: tokens are 256 random bits (two
 * sessions sharing one is a 2^-128 event), and every lookup already takes a single row.
 * Built inside the migration's transaction, so writes to refresh_sessions wait while it is
 * made: about 11 s for 5,000,000 rows on the bench machine.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists refresh_sessions_token_hash
    on refresh_sessions using hash (token_hash)`.execute(db);
  await sql`alter table refresh_sessions
    drop constraint if exists refresh_sessions_token_hash_key`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table refresh_sessions
    add constraint refresh_sessions_token_hash_key unique (token_hash)`.execute(db);
  await sql`drop index if exists refresh_sessions_token_hash`.execute(db);
}
