import { Gauge, type Registry } from "prom-client";
import { USER_ROLES, USER_STATUSES } from "../domain/vocabulary.js";
import type { AccountCounts } from "../storage/ports.js";

const NAMES = {
  users: "latchkey_users",
  legacy: "latchkey_legacy_password_hashes",
  sessions: "latchkey_sessions_live",
  mfa: "latchkey_users_with_mfa",
  webhookDepth: "latchkey_webhook_queue_depth",
  webhookAge: "latchkey_webhook_oldest_pending_seconds",
} as const;

/**
 * Gauges of users, legacy hashes, live sessions and the webhook queue, read from the database
 * when Prometheus scrapes, not on a timer: an instance nobody scrapes runs no query. The
 * gauges share one read per scrape (prom-client collects them concurrently). A failed read is
 * reported and the gauges keep their last values rather than failing the whole scrape.
 */
export function registerAccountGauges(
  registry: Registry,
  read: () => Promise<AccountCounts>,
  onError: (error: unknown) => void,
  now: () => Date,
): void {
  let inFlight: Promise<AccountCounts | null> | undefined;
  const snapshot = () => {
    inFlight ??= read()
      .catch((error: unknown) => {
        onError(error);
        return null;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  // A runtime started again on the same registry (tests) replaces its gauges.
  for (const name of Object.values(NAMES)) registry.removeSingleMetric(name);
  const registers = [registry];

  new Gauge({
    name: NAMES.users,
    help: "Users by status and role.",
    labelNames: ["status", "role"] as const,
    registers,
    async collect() {
      const counts = await snapshot();
      if (!counts) return;
      // Every pair is set, zero when empty, so a group that empties reads 0, not its last value.
      for (const status of USER_STATUSES) {
        for (const role of USER_ROLES) {
          const group = counts.groups.find((g) => g.status === status && g.role === role);
          this.set({ status, role }, group?.users ?? 0);
        }
      }
    },
  });
  /** A gauge of one number from the scrape's snapshot; the last value stays if the read fails. */
  const snapshotGauge = (name: string, help: string, value: (counts: AccountCounts) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const counts = await snapshot();
        if (counts) this.set(value(counts));
      },
    });
  const usersWith = (field: "legacyHashes" | "withMfa") => (counts: AccountCounts) =>
    counts.groups.reduce((sum, group) => sum + group[field], 0);

  snapshotGauge(
    NAMES.legacy,
    "Users whose password is still an imported bcrypt hash (upgraded to argon2id at their next login).",
    usersWith("legacyHashes"),
  );
  snapshotGauge(
    NAMES.sessions,
    "Live sessions: refresh-token families neither revoked nor expired.",
    (counts) => counts.liveSessions,
  );
  snapshotGauge(
    NAMES.mfa,
    "Users with at least one confirmed second factor.",
    usersWith("withMfa"),
  );
  snapshotGauge(
    NAMES.webhookDepth,
    "Webhook deliveries waiting to be delivered (pending or being sent), on every instance.",
    (counts) => counts.webhookQueue.pending,
  );
  snapshotGauge(
    NAMES.webhookAge,
    "Age of the oldest webhook delivery still waiting, 0 when none waits: alert on it growing.",
    (counts) => {
      const oldest = counts.webhookQueue.oldestPendingAt;
      return oldest ? Math.max(0, (now().getTime() - oldest.getTime()) / 1000) : 0;
    },
  );
}
