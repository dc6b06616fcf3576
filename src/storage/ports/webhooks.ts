import type { DeliveryStatus } from "../schema.js";

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Event names, or ["*"]. */
  events: string[];
  description: string | null;
  enabled: boolean;
  /** Why the service turned it off (a 410 answer); null otherwise. */
  disabledReason: string | null;
  /** The signing secret sealed under ENCRYPTION_KEY; only the delivery worker opens it. */
  secretSealed: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewWebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  secretSealed: string;
  now: Date;
}

export interface WebhookEndpointPatch {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
  secretSealed?: string;
}

/** One event to fan out: to every enabled endpoint that asked for its type, or to one. */
export interface WebhookEventRecord {
  type: string;
  /** Deliveries of one user's events go in order, per endpoint; null: no order needed. */
  userId: string | null;
  /** The body every endpoint receives, byte for byte: `{type, timestamp, data}`. */
  payload: string;
  /** Only this endpoint, whatever its events or state (POST /admin/webhooks/:id/test). */
  endpointId?: string;
}

/**
 * A session event's body around its session id: `head + sessionId + tail` (see
 * sessionEventTemplate). The session store writes it in the statement that creates or
 * revokes the session, for each session id that statement touches.
 */
export interface SessionEventTemplate {
  type: "session.created" | "session.revoked";
  userId: string;
  head: string;
  tail: string;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventType: string;
  userId: string | null;
  payload: string;
  createdAt: Date;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  retryFrom: Date;
  lastError: string | null;
  deliveredAt: Date | null;
}

/** A claimed delivery with what the worker needs to send it. */
export interface ClaimedDelivery extends WebhookDelivery {
  url: string;
  secretSealed: string;
}

export interface WebhookStore {
  createEndpoint(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  listEndpoints(): Promise<WebhookEndpoint[]>;
  findEndpoint(id: string): Promise<WebhookEndpoint | null>;
  updateEndpoint(
    id: string,
    patch: WebhookEndpointPatch,
    now: Date,
  ): Promise<WebhookEndpoint | null>;
  /** Its deliveries go with it. */
  deleteEndpoint(id: string): Promise<boolean>;
  /** Turned off by the service (a 410 Gone), with the reason; false when already off or gone. */
  disableEndpoint(id: string, reason: string, now: Date): Promise<boolean>;
  /**
   * Writes one delivery per endpoint the event goes to, in one statement. Called with a
   * transaction's stores, the deliveries commit, or vanish, with the change they report
   * (the transactional outbox). Answers how many were written.
   */
  addEvent(event: WebhookEventRecord, now: Date): Promise<number>;
  /**
   * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs` (FOR UPDATE SKIP
   * LOCKED, like the mail outbox). Only the oldest open delivery of each (endpoint, user)
   * is due, so one user's events arrive in order. Each claim counts an attempt.
   */
  claim(limit: number, now: Date, leaseMs: number): Promise<ClaimedDelivery[]>;
  markDelivered(id: string, now: Date): Promise<void>;
  /** Back to pending at `retryAt`, or failed for good when retryAt is null. */
  markFailed(id: string, error: string, retryAt: Date | null): Promise<void>;
  /** Newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Delivered rows created before the first cutoff, failed ones before the second, go (at
   * most `limit` of them; unset, all).
   */
  purgeFinished(deliveredBefore: Date, failedBefore: Date, limit?: number): Promise<number>;
  /** Due now, with a fresh attempt count and retry window; false when there is no such delivery. */
  retryDelivery(endpointId: string, deliveryId: string, now: Date): Promise<boolean>;
}
