import type { Insertable, Kysely } from "kysely";
import type { AuditEvent, AuditStore } from "../ports.js";
import type { AuditDetails, AuditEventRow, AuditEventsTable, Database } from "../schema.js";
import { firstRows } from "./first-rows.js";

export function createAuditStore(db: Kysely<Database>): AuditStore {
  const insertMany = async (events: readonly AuditEvent[]): Promise<void> => {
    if (events.length === 0) return;
    await db.insertInto("audit_events").values(events.map(toAuditColumns)).execute();
  };
  return {
    insert: (event) => insertMany([event]),
    insertMany,

    async list(query) {
      let select = db.selectFrom("audit_events").selectAll();
      if (query.userId) select = select.where("user_id", "=", query.userId);
      if (query.type) select = select.where("type", "=", query.type);
      const before = query.before;
      if (before) {
        select = select.where((eb) =>
          eb.or([
            eb("occurred_at", "<", before.occurredAt),
            eb.and([eb("occurred_at", "=", before.occurredAt), eb("id", "<", before.id)]),
          ]),
        );
      }
      const rows = await select
        .orderBy("occurred_at", "desc")
        .orderBy("id", "desc")
        .limit(query.limit)
        .execute();
      return rows.map(toAuditEvent);
    },

    async purgeOlderThan(cutoff, limit) {
      const old = db
        .selectFrom("audit_events")
        .where("occurred_at", "<", cutoff)
        .orderBy("occurred_at");
      const result = await db
        .deleteFrom("audit_events")
        .where("occurred_at", "<", cutoff)
        .where(firstRows(old, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  const details: AuditDetails =
    typeof row.details === "string" ? (JSON.parse(row.details) as AuditDetails) : row.details;
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    type: row.type,
    outcome: row.outcome,
    userId: row.user_id,
    actorId: row.actor_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details,
  };
}

function toAuditColumns(event: AuditEvent): Insertable<AuditEventsTable> {
  return {
    id: event.id,
    occurred_at: event.occurredAt,
    type: event.type,
    outcome: event.outcome,
    user_id: event.userId,
    actor_id: event.actorId,
    ip: event.ip,
    user_agent: event.userAgent,
    details: JSON.stringify(event.details),
  };
}
