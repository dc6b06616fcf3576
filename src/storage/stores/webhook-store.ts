import { type ExpressionBuilder, type Kysely, type RawBuilder, sql } from "kysely";
import type {
  ClaimedDelivery,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEventRecord,
  WebhookStore,
} from "../ports.js";
import type { Database, WebhookDeliveryRow, WebhookEndpointRow } from "../schema.js";
import { firstRowsOfEach } from "./first-rows.js";

/**
 * WebhookStore.addEvent's one INSERT … SELECT: a delivery for each endpoint that asked for
 * this type. Also a CTE of a statement that makes the change the event reports.
 */
export function eventDeliveries(event: WebhookEventRecord, now: Date): RawBuilder<unknown> {
  const target =
    event.endpointId === undefined
      ? sql`e.enabled and (${event.type} = any(e.events) or '*' = any(e.events))`
      : sql`e.id = ${event.endpointId}`;
  return sql`
    insert into webhook_deliveries
      (id, endpoint_id, event_type, user_id, payload, created_at, status, attempts,
       next_attempt_at, retry_from)
    select gen_random_uuid(), e.id, ${event.type}, ${event.userId}::uuid, ${event.payload},
           ${now}::timestamptz, 'pending', 0, ${now}::timestamptz, ${now}::timestamptz
    from webhook_endpoints e
    where ${target}`;
}

export function createWebhookStore(db: Kysely<Database>): WebhookStore {
  return {
    async createEndpoint(endpoint) {
      const row = await db
        .insertInto("webhook_endpoints")
        .values({
          id: endpoint.id,
          url: endpoint.url,
          events: endpoint.events,
          description: endpoint.description,
          enabled: true,
          disabled_reason: null,
          secret_sealed: endpoint.secretSealed,
          created_at: endpoint.now,
          updated_at: endpoint.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEndpoint(row);
    },

    async listEndpoints() {
      const rows = await db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toEndpoint);
    },

    async findEndpoint(id) {
      const row = await db
        .selectFrom("webhook_endpoints")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? toEndpoint(row) : null;
    },

    async updateEndpoint(id, patch, now) {
      const row = await db
        .updateTable("webhook_endpoints")
        .set({
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.events !== undefined ? { events: patch.events } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled, disabled_reason: null } : {}),
          ...(patch.secretSealed !== undefined ? { secret_sealed: patch.secretSealed } : {}),
          updated_at: now,
        })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirst();
      return row ? toEndpoint(row) : null;
    },

    async deleteEndpoint(id) {
      const result = await db
        .deleteFrom("webhook_endpoints")
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async disableEndpoint(id, reason, now) {
      const result = await db
        .updateTable("webhook_endpoints")
        .set({ enabled: false, disabled_reason: reason, updated_at: now })
        .where("id", "=", id)
        .where("enabled", "=", true)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async addEvent(event, now) {
      const result = await eventDeliveries(event, now).execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    async claim(limit, now, leaseMs) {
      const leaseUntil = new Date(now.getTime() + leaseMs);
      // One statement, as the mail outbox's claim: due rows, skipping those another worker
      // holds, leased. A delivery waits while an earlier one for the same endpoint and user
      // is still open (pending or being sent): events reach a receiver in the order written.
      const { rows } = await sql<WebhookDeliveryRow & { url: string; secret_sealed: string }>`
        update webhook_deliveries d
        set status = 'sending', lease_until = ${leaseUntil}::timestamptz, attempts = d.attempts + 1
        from webhook_endpoints e
        where e.id = d.endpoint_id and d.id in (
          select c.id from webhook_deliveries c
          join webhook_endpoints ce on ce.id = c.endpoint_id and ce.enabled
          where ((c.status = 'pending' and c.next_attempt_at <= ${now}::timestamptz)
                 or (c.status = 'sending' and c.lease_until <= ${now}::timestamptz))
            and not exists (
              select 1 from webhook_deliveries p
              where p.endpoint_id = c.endpoint_id and p.user_id = c.user_id
                and p.seq < c.seq and p.status in ('pending', 'sending'))
          order by c.next_attempt_at
          limit ${limit}
          for update of c skip locked)
        returning d.*, e.url, e.secret_sealed`.execute(db);
      return rows.map(
        (row): ClaimedDelivery => ({
          ...toDelivery(row),
          url: row.url,
          secretSealed: row.secret_sealed,
        }),
      );
    },

    async markDelivered(id, now) {
      await db
        .updateTable("webhook_deliveries")
        .set({ status: "delivered", delivered_at: now, lease_until: null, last_error: null })
        .where("id", "=", id)
        .execute();
    },

    async markFailed(id, error, retryAt) {
      await db
        .updateTable("webhook_deliveries")
        .set(
          retryAt
            ? { status: "pending", next_attempt_at: retryAt, lease_until: null, last_error: error }
            : { status: "failed", lease_until: null, last_error: error },
        )
        .where("id", "=", id)
        .execute();
    },

    async listDeliveries(endpointId, limit) {
      const rows = await db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("endpoint_id", "=", endpointId)
        .orderBy("seq", "desc")
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },

    async purgeFinished(deliveredBefore, failedBefore, limit) {
      const finished = (w: ExpressionBuilder<Database, "webhook_deliveries">) =>
        w.or([
          w.and([w("status", "=", "delivered"), w("created_at", "<", deliveredBefore)]),
          w.and([w("status", "=", "failed"), w("created_at", "<", failedBefore)]),
        ]);
      // Each status's oldest rows in the order of webhook_deliveries_finished (0013).
      const oldest = (status: "delivered" | "failed", before: Date) =>
        db
          .selectFrom("webhook_deliveries")
          .where("status", "=", status)
          .where("created_at", "<", before)
          .orderBy("created_at");
      const result = await db
        .deleteFrom("webhook_deliveries")
        .where(finished)
        .where(
          firstRowsOfEach(
            [oldest("delivered", deliveredBefore), oldest("failed", failedBefore)],
            limit,
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async retryDelivery(endpointId, deliveryId, now) {
      const result = await db
        .updateTable("webhook_deliveries")
        .set({
          status: "pending",
          attempts: 0,
          next_attempt_at: now,
          retry_from: now,
          lease_until: null,
        })
        .where("id", "=", deliveryId)
        .where("endpoint_id", "=", endpointId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    secretSealed: row.secret_sealed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    userId: row.user_id,
    payload: row.payload,
    createdAt: row.created_at,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    retryFrom: row.retry_from,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  };
}
