import {
  backoffDelayMs,
  type PollingWorker,
  startOutboxWorker,
} from "../process/polling-worker.js";
import type { OutboxEntry, OutboxStore } from "../storage/ports.js";
import type { MailLog, MailTransport } from "./transport.js";

export interface DeliveryWorkerOptions {
  store: OutboxStore;
  transport: MailTransport;
  from: string;
  clock: () => Date;
  log: MailLog;
  /** How often the outbox is polled for due mail. */
  pollMs: number;
  /** How long a claimed message is this worker's before another may take it over. */
  leaseMs: number;
  /** Attempts before a message is marked dead. */
  maxAttempts: number;
  batchSize?: number;
  /** Told when a message is given up on, for the metrics. */
  onDead?: () => void;
  random?: () => number;
}

/** flush() delivers what is due now; stop() ends polling after the batch in hand. */
export type DeliveryWorker = PollingWorker;

// Retry after 2 s, 4 s, 8 s … at most 10 minutes, each drawn at random below that
// bound ("full jitter"), so instances retrying a dead server do not stampede it.
const BACKOFF = { baseMs: 2_000, maxMs: 10 * 60 * 1000, minMs: 500 };

export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  return backoffDelayMs(attempts, BACKOFF, random);
}

/**
 * Delivers the durable outbox. Every instance runs one; claims use FOR UPDATE SKIP
 * LOCKED, so no two send the same message, and a lease that runs out (a killed
 * instance) makes the message due again. Delivery is at least once: a crash between
 * the SMTP server's acceptance and markSent sends that one message again.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const batchSize = options.batchSize ?? 20;
  const random = options.random ?? Math.random;

  const deliver = async (entry: OutboxEntry): Promise<void> => {
    try {
      await options.transport.send({
        to: entry.to,
        subject: entry.subject,
        text: entry.text ?? "",
        html: entry.html ?? "",
        template: entry.template,
        from: options.from,
      });
      await options.store.markSent(entry.id, options.clock());
      options.log.info({ to: entry.to, template: entry.template, id: entry.id }, "mail sent");
    } catch (error) {
      // The message, not the error object: SMTP errors can echo the exchange, and the
      // body holds a live code or link.
      const message = error instanceof Error ? error.message : String(error);
      const dead = entry.attempts >= options.maxAttempts;
      const retryAt = dead
        ? null
        : new Date(options.clock().getTime() + retryDelayMs(entry.attempts, random));
      await options.store.markFailed(entry.id, message.slice(0, 500), retryAt);
      if (dead) options.onDead?.();
      options.log.error(
        {
          to: entry.to,
          template: entry.template,
          id: entry.id,
          attempts: entry.attempts,
          dead,
          error: message,
        },
        dead ? "mail given up after its last attempt" : "mail delivery failed; will retry",
      );
    }
  };

  return startOutboxWorker({ ...options, name: "outbox", deliver, batchSize });
}
