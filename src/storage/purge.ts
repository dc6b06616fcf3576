import type { Stores } from "./ports.js";

export interface PurgeReport {
  codes: number;
  sessions: number;
  keys: number;
  audit: number;
  mail: number;
  /** Finished webhook deliveries. */
  webhooks: number;
  /** Rows the sign-in methods' own purges removed, by what they are (when any were asked). */
  methods?: Record<string, number>;
}

/** A sign-in method's own housekeeping (SignInMethod.purges): rows removed. */
export interface MethodPurge {
  /** What it removes, as the report names it ("expired mfa challenges"). */
  name: string;
  run(stores: Stores, now: Date): Promise<number>;
}

// Sent mail keeps only its envelope (bodies are erased on sending); a week of it answers
// "was it sent?" questions, then it goes.
const SENT_MAIL_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
// The webhook delivery log: a week of successes, a month of failures (long enough for an
// operator to notice and retry them by hand).
const DELIVERED_WEBHOOK_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const FAILED_WEBHOOK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface PurgeOptions {
  /** Audit events older than this many seconds go; unset keeps them all. */
  auditRetentionSeconds?: number;
  methods?: readonly MethodPurge[];
}

/**
 * Deletes expired codes, sessions, retired keys, old audit events, old sent mail and old
 * webhook deliveries: the TTL index PostgreSQL lacks.
 */
export async function purgeExpired(
  stores: Stores,
  now: Date,
  options: PurgeOptions = {},
): Promise<PurgeReport> {
  const codes = await stores.codes.purgeExpired(now);
  const sessions = await stores.sessions.purgeExpired(now);
  const keys = await stores.keys.purgeExpired(now);
  const audit =
    options.auditRetentionSeconds === undefined
      ? 0
      : await stores.audit.purgeOlderThan(
          new Date(now.getTime() - options.auditRetentionSeconds * 1000),
        );
  const mail = await stores.outbox.purgeSent(new Date(now.getTime() - SENT_MAIL_RETENTION_MS));
  const webhooks = await stores.webhooks.purgeFinished(
    new Date(now.getTime() - DELIVERED_WEBHOOK_RETENTION_MS),
    new Date(now.getTime() - FAILED_WEBHOOK_RETENTION_MS),
  );
  const report: PurgeReport = { codes, sessions, keys, audit, mail, webhooks };
  if (!options.methods) return report;
  const methods: Record<string, number> = {};
  for (const purge of options.methods) methods[purge.name] = await purge.run(stores, now);
  return { ...report, methods };
}

export function startPurgeJob(
  stores: Stores,
  clock: () => Date,
  intervalMs: number,
  onError: (error: unknown) => void,
  options: PurgeOptions = {},
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    // A slow database must not pile up overlapping purges.
    if (running) return;
    running = true;
    purgeExpired(stores, clock(), options)
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  // Housekeeping alone must not keep the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
