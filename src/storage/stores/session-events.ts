import { type RawBuilder, sql } from "kysely";
import type { SessionEventTemplate } from "../ports.js";

/**
 * `insert into webhook_deliveries …`: one delivery per enabled endpoint subscribed to each
 * row of `events`, a relation aliased `ev` with columns (session_id, type, user_id, head,
 * tail, at), whose body is head || session_id || tail. A CTE of the statement that creates or
 * revokes those sessions: the events commit with the change or not at all, without a round
 * trip or a BEGIN/COMMIT of their own, and with no endpoint subscribed nothing is written.
 */
export function sessionDeliveries(events: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into webhook_deliveries
      (id, endpoint_id, event_type, user_id, payload, created_at, status, attempts,
       next_attempt_at, retry_from)
    select gen_random_uuid(), e.id, ev.type, ev.user_id, ev.head || ev.session_id::text || ev.tail,
           ev.at, 'pending', 0, ev.at, ev.at
      from ${events}
      join webhook_endpoints e
        on e.enabled and (ev.type = any(e.events) or '*' = any(e.events))`;
}

/** The relation `ev` of sessionDeliveries for sessions the caller names. */
export function namedSessionEvents(
  rows: readonly { sessionId: string; event: SessionEventTemplate; at: Date }[],
): RawBuilder<unknown> {
  const values = sql.join(
    rows.map(
      ({ sessionId, event, at }) =>
        sql`(${sessionId}::uuid, ${event.type}::text, ${event.userId}::uuid, ${event.head}::text,
          ${event.tail}::text, ${at}::timestamptz)`,
    ),
  );
  return sql`(values ${values}) as ev (session_id, type, user_id, head, tail, at)`;
}

/** The relation `ev` of sessionDeliveries for the families in CTE `revoked`, of one user. */
export function revokedSessionEvents(event: SessionEventTemplate, now: Date): RawBuilder<unknown> {
  return sql`(select distinct r.family_id as session_id, ${event.type}::text as type,
      ${event.userId}::uuid as user_id, ${event.head}::text as head, ${event.tail}::text as tail,
      ${now}::timestamptz as at
      from revoked r) as ev`;
}
