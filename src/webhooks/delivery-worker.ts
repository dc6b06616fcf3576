import type { SecretBox } from "../crypto/secret-box.js";
import {
  backoffDelayMs,
  type PollingWorker,
  startOutboxWorker,
} from "../process/polling-worker.js";
import type { ClaimedDelivery, WebhookStore } from "../storage/ports.js";
import { checkWebhookTarget, type Resolve } from "./address-guard.js";
import { sendWebhook } from "./send.js";
import { secretContext, signWebhook } from "./signing.js";

export type WebhookOutcome = "delivered" | "retry" | "failed";

export interface WebhookLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WebhookWorkerOptions {
  store: WebhookStore;
  secrets: SecretBox;
  clock: () => Date;
  log: WebhookLog;
  pollMs: number;
  /** How long a claimed delivery is this worker's before another may take it over. */
  leaseMs: number;
  /** WEBHOOK_RETRY_FOR: failures are retried this long after the event, then it failed. */
  retryForMs: number;
  /** The contract's 10 s; tests shorten it. */
  timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: skip the address check (a receiver on the same host). */
  allowPrivate: boolean;
  batchSize?: number;
  onOutcome?: (outcome: WebhookOutcome) => void;
  random?: () => number;
  resolve?: Resolve;
}

// Retries after about 5 s, 10 s, 20 s … at most 2 h apart, drawn below that bound ("full
// jitter"), close to the schedule the Standard Webhooks spec suggests (5 s, 5 min, 30 min,
// 2 h, 5 h, 10 h …), until WEBHOOK_RETRY_FOR has passed.
const BACKOFF = { baseMs: 5_000, maxMs: 2 * 60 * 60 * 1000, minMs: 1_000 };

/**
 * Delivers the webhook outbox, one per instance, as the mail worker delivers mail: claims
 * under a lease with SKIP LOCKED, so any instance may send and a killed one loses nothing
 * (at least once; a receiver deduplicates on webhook-id).
 */
export function startWebhookWorker(options: WebhookWorkerOptions): PollingWorker {
  const batchSize = options.batchSize ?? 20;
  const random = options.random ?? Math.random;

  const attempt = async (delivery: ClaimedDelivery, now: Date): Promise<number> => {
    const secret = options.secrets.open(delivery.secretSealed, secretContext(delivery.endpointId));
    if (!secret) throw new Error("the signing secret does not open (was ENCRYPTION_KEY changed?)");
    // Checked again now: the name may resolve elsewhere than when the endpoint was made.
    const verdict = await checkWebhookTarget(delivery.url, {
      allowPrivate: options.allowPrivate,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    if (!verdict.ok) throw new Error(`URL refused: ${verdict.reason}`);
    const headers = signWebhook(secret.toString("utf8"), delivery.id, now, delivery.payload);
    return sendWebhook({
      target: verdict.target,
      headers: { ...headers },
      body: delivery.payload,
      timeoutMs: options.timeoutMs,
    });
  };

  const fail = async (delivery: ClaimedDelivery, now: Date, error: string, final: boolean) => {
    const giveUp = final || now.getTime() >= delivery.retryFrom.getTime() + options.retryForMs;
    const retryAt = giveUp
      ? null
      : new Date(now.getTime() + backoffDelayMs(delivery.attempts, BACKOFF, random));
    await options.store.markFailed(delivery.id, error.slice(0, 500), retryAt);
    options.onOutcome?.(giveUp ? "failed" : "retry");
    options.log.warn(
      {
        webhookId: delivery.endpointId,
        deliveryId: delivery.id,
        event: delivery.eventType,
        attempts: delivery.attempts,
        error,
        nextAttemptAt: retryAt?.toISOString() ?? null,
      },
      giveUp ? "webhook delivery failed for good" : "webhook delivery failed; will retry",
    );
  };

  const deliver = async (delivery: ClaimedDelivery): Promise<void> => {
    const now = options.clock();
    let status: number;
    try {
      status = await attempt(delivery, now);
    } catch (error) {
      await fail(delivery, now, error instanceof Error ? error.message : String(error), false);
      return;
    }
    if (status >= 200 && status < 300) {
      await options.store.markDelivered(delivery.id, options.clock());
      options.onOutcome?.("delivered");
      return;
    }
    if (status === 410) {
      // Gone: the receiver says this endpoint is no more. It is turned off, not retried.
      await options.store.disableEndpoint(delivery.endpointId, "410 Gone", now);
      await fail(delivery, now, "410 Gone: the endpoint is disabled", true);
      return;
    }
    const why = status >= 300 && status < 400 ? `${status}: redirects are not followed` : status;
    await fail(delivery, now, `answered ${why}`, false);
  };

  return startOutboxWorker({ ...options, name: "webhook outbox", deliver, batchSize });
}
