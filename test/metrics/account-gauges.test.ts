import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerAccountGauges } from "../../src/metrics/account-gauges.js";
import type { AccountCounts } from "../../src/storage/ports.js";

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const NOW = new Date("2026-12-06T12:00:00Z");

describe("account gauges", () => {
  it("read once per scrape, every status and role present, a failed read keeps the last values", async () => {
    const registry = new Registry();
    const answers: (AccountCounts | Error)[] = [
      {
        groups: [{ status: "active", role: "user", users: 7, legacyHashes: 3, withMfa: 2 }],
        liveSessions: 4,
        webhookQueue: { pending: 5, oldestPendingAt: new Date(NOW.getTime() - 42_000) },
      },
      new Error("database gone"),
    ];
    let reads = 0;
    const errors: unknown[] = [];
    registerAccountGauges(
      registry,
      async () => {
        const answer = answers[reads++];
        if (answer instanceof Error || answer === undefined) throw answer;
        return answer;
      },
      (error) => errors.push(error),
      () => NOW,
    );

    const first = await registry.metrics();
    expect(reads).toBe(1);
    expect(sample(first, 'latchkey_users{status="active",role="user"}')).toBe(7);
    expect(sample(first, 'latchkey_users{status="pending",role="admin"}')).toBe(0);
    expect(sample(first, "latchkey_legacy_password_hashes")).toBe(3);
    expect(sample(first, "latchkey_sessions_live")).toBe(4);
    expect(sample(first, "latchkey_users_with_mfa")).toBe(2);
    expect(sample(first, "latchkey_webhook_queue_depth")).toBe(5);
    expect(sample(first, "latchkey_webhook_oldest_pending_seconds")).toBe(42);

    // The database is gone: the scrape still answers, with what was last known.
    const second = await registry.metrics();
    expect(reads).toBe(2);
    expect(errors).toHaveLength(1);
    expect(sample(second, "latchkey_sessions_live")).toBe(4);
  });

  it("can be registered again on the same registry", () => {
    const registry = new Registry();
    const read = async (): Promise<AccountCounts> => ({
      groups: [],
      liveSessions: 0,
      webhookQueue: { pending: 0, oldestPendingAt: null },
    });
    registerAccountGauges(
      registry,
      read,
      () => {},
      () => NOW,
    );
    expect(() =>
      registerAccountGauges(
        registry,
        read,
        () => {},
        () => NOW,
      ),
    ).not.toThrow();
  });
});
