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
  /** One batch: at most `limit` rows of each table it purges, as the core's stores do. */
  run(stores: Stores, now: Date, limit: number): Promise<number>;
}

// Sent mail keeps only its envelope (bodies are erased on sending); a week of it answers
// "was it sent?" questions, then it goes.
const SENT_MAIL_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
// The webhook delivery log: a week of successes, a month of failures (long enough for an
// operator to notice and retry them by hand).
const DELIVERED_WEBHOOK_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const FAILED_WEBHOOK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Rows per DELETE. Each batch is one statement and its own transaction, done in a few
 * milliseconds: a purge of millions of rows never holds a lock a login waits on for long,
 * and autovacuum can follow it.
 */
export const DEFAULT_PURGE_BATCH_SIZE = 5000;

export interface PurgeOptions {
  /** Audit events older than this many seconds go; unset keeps them all. */
  auditRetentionSeconds?: number;
  methods?: readonly MethodPurge[];
  /** Rows per statement (DEFAULT_PURGE_BATCH_SIZE). */
  batchSize?: number;
}

/**
 * Deletes expired codes, sessions, retired keys, old audit events, old sent mail and old
 * webhook deliveries: the TTL index PostgreSQL lacks. The big tables go in batches
 * (PurgeOptions.batchSize); signing keys are a handful. The methods' rows are purged by
 * the methods themselves (options.methods), in the same batches.
 */
export async function purgeExpired(
  stores: Stores,
  now: Date,
  options: PurgeOptions = {},
): Promise<PurgeReport> {
  const batch = options.batchSize ?? DEFAULT_PURGE_BATCH_SIZE;
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const codes = await inBatches(batch, (limit) => stores.codes.purgeExpired(now, limit));
  const sessions = await inBatches(batch, (limit) => stores.sessions.purgeExpired(now, limit));
  const keys = await stores.keys.purgeExpired(now);
  const retention = options.auditRetentionSeconds;
  const audit =
    retention === undefined
      ? 0
      : await inBatches(batch, (limit) =>
          stores.audit.purgeOlderThan(ago(retention * 1000), limit),
        );
  const mail = await inBatches(batch, (limit) =>
    stores.outbox.purgeSent(ago(SENT_MAIL_RETENTION_MS), limit),
  );
  const webhooks = await inBatches(batch, (limit) =>
    stores.webhooks.purgeFinished(
      ago(DELIVERED_WEBHOOK_RETENTION_MS),
      ago(FAILED_WEBHOOK_RETENTION_MS),
      limit,
    ),
  );
  const report: PurgeReport = { codes, sessions, keys, audit, mail, webhooks };
  if (!options.methods) return report;
  const methods: Record<string, number> = {};
  for (const purge of options.methods) {
    methods[purge.name] = await inBatches(batch, (limit) => purge.run(stores, now, limit));
  }
  return { ...report, methods };
}

/** Runs `purge` until a batch comes back short; the rows it deleted in all. */
async function inBatches(size: number, purge: (limit: number) => Promise<number>) {
  let total = 0;
  for (;;) {
    const deleted = await purge(size);
    total += deleted;
    // The code and OAuth stores delete up to `size` of two tables: only a batch short on both ends it.
    if (deleted < size) return total;
  }
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
