import type {
  SessionEventTemplate,
  Stores,
  UserRecord,
  WebhookEventRecord,
} from "../storage/ports.js";
import { toPublicUser } from "./public-user.js";

/** The events an endpoint may ask for (README, "Webhooks"), or "*" for all of them. */
export const WEBHOOK_EVENTS = [
  "user.created",
  "user.verified",
  "user.updated",
  "user.deleted",
  "user.blocked",
  "user.unblocked",
  "session.created",
  "session.revoked",
  "password.changed",
  "password.reset",
  "mfa.enabled",
  "mfa.disabled",
  "login.locked",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** What every event's `data` holds: the public user, never a secret, hash or token. */
export interface UserEventData {
  user: ReturnType<typeof toPublicUser>;
  sessionId?: string;
}

/** The body receivers get, byte for byte what is signed: `{type, timestamp, data}`. */
export function webhookPayload(type: string, at: Date, data: object): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}

/**
 * Queues `type` for every endpoint that asked for it, through `stores`: called with a
 * transaction's stores, the deliveries commit with the change they report, or not at all
 * (the transactional outbox).
 */
export async function recordUserEvent(
  stores: Pick<Stores, "webhooks">,
  type: WebhookEventType,
  user: UserRecord,
  now: Date,
  extra: { sessionId?: string } = {},
): Promise<void> {
  await stores.webhooks.addEvent(userEvent(type, user, now, extra), now);
}

/** The event recordUserEvent queues, for a statement that writes it with the change itself. */
export function userEvent(
  type: WebhookEventType,
  user: UserRecord,
  now: Date,
  extra: { sessionId?: string } = {},
): WebhookEventRecord {
  const data: UserEventData = { user: toPublicUser(user), ...extra };
  return { type, userId: user.id, payload: webhookPayload(type, now, data) };
}

/**
 * A session event's body, to be completed with the session id by the statement that creates
 * or revokes the session: the event rides in that statement (one round trip, atomic without
 * BEGIN/COMMIT), so a sign-in with no endpoint subscribed pays no extra query.
 */
export function sessionEventTemplate(
  type: SessionEventTemplate["type"],
  user: UserRecord,
  now: Date,
): SessionEventTemplate {
  // sessionId is data's last key and data the body's last: the body ends `"sessionId":""}}`.
  const payload = webhookPayload(type, now, { user: toPublicUser(user), sessionId: "" });
  return { type, userId: user.id, head: payload.slice(0, -3), tail: payload.slice(-3) };
}

/** What a revoke hands the user it locked, for its session.revoked events. */
export const sessionRevoked =
  (now: Date) =>
  (user: UserRecord): SessionEventTemplate =>
    sessionEventTemplate("session.revoked", user, now);
