import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_events")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("occurred_at", "timestamptz", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull().check(sql`outcome in ('success', 'failure')`))
    // No foreign keys: the trail outlives the users and admins it names.
    .addColumn("user_id", "uuid")
    .addColumn("actor_id", "uuid")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex("audit_events_occurred_at")
    .on("audit_events")
    .columns(["occurred_at", "id"])
    .execute();
  await db.schema
    .createIndex("audit_events_user")
    .on("audit_events")
    .columns(["user_id", "occurred_at"])
    .execute();
  await db.schema
    .createIndex("audit_events_type")
    .on("audit_events")
    .columns(["type", "occurred_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("audit_events").ifExists().execute();
}
