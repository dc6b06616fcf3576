import { type Kysely, sql } from "kysely";

/**
 * The purge of finished webhook deliveries (storage/purge.ts) filters on status and
 * created_at, which no index of 0011 covers: each of its batches was a Seq Scan of the
 * delivery log. This one serves each status's oldest rows as an index range scan, and
 * leaves the pending rows, which the purge never reads, out of it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index webhook_deliveries_finished on webhook_deliveries (status, created_at)
    where status in ('delivered', 'failed')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists webhook_deliveries_finished`.execute(db);
}
