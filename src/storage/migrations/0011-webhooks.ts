import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("url", "text", (c) => c.notNull())
    // Event names, or ["*"] for all of them.
    .addColumn("events", sql`text[]`, (c) => c.notNull())
    .addColumn("description", "text")
    .addColumn("enabled", "boolean", (c) => c.notNull())
    // Why the service disabled it (a 410 answer); null when an admin did, or it is enabled.
    .addColumn("disabled_reason", "text")
    // The signing secret, sealed under ENCRYPTION_KEY (crypto/secret-box.ts): the server
    // must read it back to sign, so it cannot be a hash.
    .addColumn("secret_sealed", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    // The order events were written in: deliveries for one user and endpoint go in this order.
    .addColumn("seq", "bigint", (c) => c.notNull().generatedAlwaysAsIdentity())
    .addColumn("endpoint_id", "uuid", (c) =>
      c.notNull().references("webhook_endpoints.id").onDelete("cascade"),
    )
    .addColumn("event_type", "text", (c) => c.notNull())
    // No foreign key: a user.deleted event outlives its user.
    .addColumn("user_id", "uuid")
    // The exact body that is signed and sent, the same on every attempt.
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'sending', 'delivered', 'failed')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull())
    // Retries stop WEBHOOK_RETRY_FOR after this (the event, or an admin's manual retry).
    .addColumn("retry_from", "timestamptz", (c) => c.notNull())
    .addColumn("lease_until", "timestamptz")
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "timestamptz")
    .execute();
  // The worker's claim: due rows by due time.
  await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status in ('pending', 'sending')`.execute(
    db,
  );
  // The order check: is an earlier delivery for this endpoint and user still open?
  await sql`create index webhook_deliveries_open on webhook_deliveries (endpoint_id, user_id, seq) where status in ('pending', 'sending')`.execute(
    db,
  );
  await sql`create index webhook_deliveries_log on webhook_deliveries (endpoint_id, seq desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webhook_deliveries").ifExists().execute();
  await db.schema.dropTable("webhook_endpoints").ifExists().execute();
}
