import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config, RateLimitName, RateLimitRule } from "../../src/config/config.js";
import { sha256 } from "../../src/crypto/digest.js";
import { AuthError } from "../../src/errors.js";
import type { LimiterBackend, LimiterFactory } from "../../src/limits/limiter-backend.js";
import { createLimiterFactory, RATE_LIMIT_TABLE } from "../../src/limits/limiter-backend.js";
import type { RateLimits } from "../../src/limits/rate-limits.js";
import { createRateLimits, NO_LIMITS } from "../../src/limits/rate-limits.js";

const MINUTE = 60;
const HOUR = 3600;

/** Small rules, so every limit trips in a handful of calls. */
const RULES: Record<RateLimitName, RateLimitRule> = {
  registerIp: { points: 3, duration: MINUTE },
  registerAccount: { points: 3, duration: HOUR },
  loginIp: { points: 3, duration: MINUTE },
  loginFailuresAccountIp: { points: 3, duration: HOUR },
  loginFailuresAccount: { points: 6, duration: HOUR },
  verifyIp: { points: 3, duration: MINUTE },
  verifyAccount: { points: 3, duration: HOUR },
  resendIp: { points: 3, duration: MINUTE },
  resendAccount: { points: 3, duration: HOUR },
  forgotIp: { points: 3, duration: MINUTE },
  forgotAccount: { points: 3, duration: HOUR },
  resetIp: { points: 3, duration: MINUTE },
  resetAccount: { points: 3, duration: HOUR },
};
const CONFIG: Pick<Config, "rateLimitEnabled" | "rateLimits"> = {
  rateLimitEnabled: true,
  rateLimits: RULES,
};

const RUN = `t${process.pid}_${randomBytes(4).toString("hex")}`;
let scopes = 0;
/** A fresh key namespace per test, so tests sharing a store never see each other's counters. */
const newScope = () => `${RUN}_${++scopes}`;

interface Harness {
  name: string;
  /** Why the backend cannot run here; undefined when it can. */
  skipReason?: string;
  /** Stores outlive a process: two factories on them act as two instances. */
  shared: boolean;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  open(scope: string): Promise<LimiterFactory>;
  /** Every key the store holds for a scope. */
  storedKeys(scope: string): Promise<string[]>;
}

/** Prefixes every limiter name with the scope: what keeps tests (and runs) apart in one store. */
function scoped(factory: LimiterFactory, scope: string): LimiterFactory {
  return {
    make: (name, rule) => factory.make(`${scope}:${name}`, rule),
    close: () => factory.close(),
  };
}

function memoryHarness(): Harness {
  const made = new Map<string, RateLimiterMemory[]>();
  return {
    name: "memory",
    shared: false,
    async open(scope) {
      const factory = scoped(await createLimiterFactory({ kind: "memory" }), scope);
      return {
        make(name, rule) {
          const limiter = factory.make(name, rule);
          if (limiter instanceof RateLimiterMemory)
            made.set(scope, [...(made.get(scope) ?? []), limiter]);
          return limiter;
        },
        close: factory.close,
      };
    },
    async storedKeys(scope) {
      return (made.get(scope) ?? []).flatMap((limiter) =>
        limiter.dump().storage.map((record) => `${limiter.keyPrefix}:${record.key}`),
      );
    },
  };
}

function postgresHarness(url: string | undefined): Harness {
  const schema = `lk_rl_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: "PostgreSQL",
    skipReason: url ? undefined : "TEST_DATABASE_URL is not set",
    shared: true,
    setup: () => admin((c) => c.query(`CREATE SCHEMA "${schema}"`)).then(() => {}),
    teardown: () =>
      admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => {}),
    open: async (scope) =>
      scoped(await createLimiterFactory({ kind: "postgres", url: url ?? "", schema }), scope),
    storedKeys: (scope) =>
      admin(async (c) => {
        const result = await c.query<{ key: string }>(
          `SELECT key FROM "${schema}".${RATE_LIMIT_TABLE} WHERE left(key, length($1)) = $1`,
          [`${scope}:`],
        );
        return result.rows.map((row) => row.key);
      }),
  };
}

function redisHarness(url: string | undefined): Harness {
  let client: Redis | undefined;
  return {
    name: "Redis",
    skipReason: url ? undefined : "TEST_REDIS_URL is not set",
    shared: true,
    async setup() {
      client = new Redis(url ?? "");
    },
    async teardown() {
      if (!client) return;
      const keys = await client.keys(`*${RUN}*`);
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    },
    open: async (scope) =>
      scoped(await createLimiterFactory({ kind: "redis", url: url ?? "" }), scope),
    storedKeys: async (scope) => (client ? client.keys(`*${scope}:*`) : []),
  };
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.code).toBe("RATE_LIMITED");
  return authError;
}

function runSuite(harness: Harness): void {
  if (harness.skipReason) {
    console.warn(`rate limits: ${harness.name} backend skipped (${harness.skipReason})`);
    describe.skip(`rate limits on ${harness.name}`, () => {
      it("needs its store", () => {});
    });
    return;
  }

  describe(`rate limits on ${harness.name}`, () => {
    beforeAll(async () => harness.setup?.());
    afterAll(async () => harness.teardown?.());

    /** Runs `body` with a fresh RateLimits in its own scope, and closes it after. */
    async function withLimits(body: (limits: RateLimits, scope: string) => Promise<void>) {
      const scope = newScope();
      const limits = createRateLimits(CONFIG, await harness.open(scope));
      try {
        await body(limits, scope);
      } finally {
        await limits.close();
      }
    }

    it("lets requests under the limit through", () =>
      withLimits(async (limits) => {
        for (let i = 0; i < 3; i++) {
          await limits.hit("register", { ip: "192.0.2.1", account: `user${i}@example.com` });
        }
      }));

    it("refuses the request past the IP limit with a Retry-After", () =>
      withLimits(async (limits) => {
        for (let i = 0; i < 3; i++) {
          await limits.hit("verify", { ip: "192.0.2.2", account: `user${i}@example.com` });
        }
        const error = await rejection(
          limits.hit("verify", { ip: "192.0.2.2", account: "other@example.com" }),
        );
        expect(error.retryAfter).toBeGreaterThan(0);
        expect(error.retryAfter).toBeLessThanOrEqual(MINUTE);
        // Another IP is not affected.
        await limits.hit("verify", { ip: "192.0.2.3", account: "other@example.com" });
      }));

    it("trips the account limit independently of the IP", () =>
      withLimits(async (limits) => {
        const account = "target@example.com";
        for (let i = 0; i < 3; i++) await limits.hit("forgot", { ip: `198.51.100.${i}`, account });
        const error = await rejection(limits.hit("forgot", { ip: "198.51.100.9", account }));
        expect(error.retryAfter).toBeGreaterThan(MINUTE);
        expect(error.retryAfter).toBeLessThanOrEqual(HOUR);
      }));

    it("reports the longer wait when IP and account are both over", () =>
      withLimits(async (limits) => {
        const keys = { ip: "192.0.2.4", account: "both@example.com" };
        for (let i = 0; i < 3; i++) await limits.hit("reset", keys);
        const error = await rejection(limits.hit("reset", keys));
        // The IP window is a minute; the account's hour must not be hidden behind it.
        expect(error.retryAfter).toBeGreaterThan(MINUTE);
      }));

    it("counts login requests per IP only", () =>
      withLimits(async (limits) => {
        const account = "busy@example.com";
        for (let i = 0; i < 6; i++) await limits.hit("login", { ip: `203.0.113.${i}`, account });
        for (let i = 0; i < 3; i++) await limits.hit("login", { ip: "203.0.113.50", account });
        await rejection(limits.hit("login", { ip: "203.0.113.50", account }));
      }));

    it("stores account keys hashed, never the raw email", () =>
      withLimits(async (limits, scope) => {
        const email = "secret.person@example.com";
        await limits.hit("register", { ip: "192.0.2.5", account: email });
        await limits.recordLoginFailure(email, "192.0.2.5");
        const keys = await harness.storedKeys(scope);
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.some((key) => key.includes(sha256(email)))).toBe(true);
        expect(keys.filter((key) => key.includes(email) || key.includes("secret"))).toEqual([]);
      }));

    it("grants the free failures, then doubles the delay per (email, IP)", () =>
      withLimits(async (limits) => {
        const [email, ip] = ["victim@example.com", "192.0.2.10"];
        // Three free: the first two leave the next try alone, the third starts the delay.
        for (let i = 0; i < 2; i++) {
          expect(await limits.recordLoginFailure(email, ip)).toBe(false);
          await limits.assertLoginAllowed(email, ip);
        }
        const waits: (number | undefined)[] = [];
        for (let i = 0; i < 4; i++) {
          expect(await limits.recordLoginFailure(email, ip)).toBe(true);
          waits.push((await rejection(limits.assertLoginAllowed(email, ip))).retryAfter);
        }
        expect(waits).toEqual([2, 4, 8, 16]);
      }));

    it("restarts the counters after a successful login", () =>
      withLimits(async (limits) => {
        const [email, ip] = ["forgetful@example.com", "192.0.2.11"];
        for (let i = 0; i < 5; i++) await limits.recordLoginFailure(email, ip);
        await rejection(limits.assertLoginAllowed(email, ip));
        await limits.recordLoginSuccess(email, ip);
        await limits.assertLoginAllowed(email, ip);
        // The next failure is a free one again.
        expect(await limits.recordLoginFailure(email, ip)).toBe(false);
        await limits.assertLoginAllowed(email, ip);
      }));

    it("does not lock another IP until the email-wide threshold", () =>
      withLimits(async (limits) => {
        const email = "popular@example.com";
        for (let i = 0; i < 3; i++) await limits.recordLoginFailure(email, "192.0.2.20");
        await rejection(limits.assertLoginAllowed(email, "192.0.2.20"));
        // Three failures so far, the email allows six: the user at home is unaffected.
        await limits.assertLoginAllowed(email, "192.0.2.21");
        await limits.recordLoginFailure(email, "192.0.2.22");
        await limits.recordLoginFailure(email, "192.0.2.22");
        await limits.assertLoginAllowed(email, "192.0.2.21");
        // The sixth failure spends the email-wide allowance: every IP waits now.
        expect(await limits.recordLoginFailure(email, "192.0.2.23")).toBe(true);
        const error = await rejection(limits.assertLoginAllowed(email, "192.0.2.21"));
        expect(error.retryAfter).toBe(2);
      }));

    it("caps the email-wide delay at 15 minutes, then blocks at 100 consecutive failures", () =>
      withLimits(async (limits) => {
        const email = "besieged@example.com";
        // A distributed attack: each failure from its own IP, so only the email-wide policy acts.
        const ip = (i: number) => `10.${i >> 8}.${i & 255}.1`;
        for (let i = 0; i < 99; i++) await limits.recordLoginFailure(email, ip(i));
        const capped = await rejection(limits.assertLoginAllowed(email, "192.0.2.30"));
        expect(capped.retryAfter).toBe(15 * MINUTE);
        expect(await limits.recordLoginFailure(email, ip(99))).toBe(true);
        const blocked = await rejection(limits.assertLoginAllowed(email, "192.0.2.30"));
        // The rest of the one-hour counting window, not another 15 minutes.
        expect(blocked.retryAfter).toBeGreaterThan(15 * MINUTE);
        expect(blocked.retryAfter).toBeLessThanOrEqual(HOUR);
      }));

    if (harness.shared) {
      it("shares counters and lockouts between two instances", async () => {
        const scope = newScope();
        const first = createRateLimits(CONFIG, await harness.open(scope));
        const second = createRateLimits(CONFIG, await harness.open(scope));
        try {
          const keys = { ip: "192.0.2.40", account: "shared@example.com" };
          await first.hit("resend", keys);
          await second.hit("resend", keys);
          await first.hit("resend", keys);
          await rejection(second.hit("resend", keys));

          const [email, ip] = ["roaming@example.com", "192.0.2.41"];
          for (let i = 0; i < 3; i++) await first.recordLoginFailure(email, ip);
          expect((await rejection(second.assertLoginAllowed(email, ip))).retryAfter).toBe(2);
          await second.recordLoginSuccess(email, ip);
          await first.assertLoginAllowed(email, ip);
        } finally {
          await first.close();
          await second.close();
        }
      });
    }
  });
}

const postgresUrl = process.env.TEST_DATABASE_URL;

runSuite(memoryHarness());
runSuite(postgresHarness(postgresUrl));
runSuite(redisHarness(process.env.TEST_REDIS_URL));

describe.runIf(postgresUrl)("rate limits when the store fails", () => {
  it("falls back to per-process limits instead of failing requests", async () => {
    const url = postgresUrl ?? "";
    const schema = `lk_rl_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const backend: LimiterBackend = { kind: "postgres", url, schema };
    const limits = createRateLimits(CONFIG, await createLimiterFactory(backend));
    try {
      await limits.hit("register", { ip: "192.0.2.50" });
      // The store loses its table: every query errors from here on.
      await admin.query(`DROP TABLE "${schema}".${RATE_LIMIT_TABLE}`);
      await limits.hit("register", { ip: "192.0.2.50" });
      await limits.hit("register", { ip: "192.0.2.50" });
      await limits.hit("register", { ip: "192.0.2.50" });
      // The in-memory insurance counts on its own (from the outage on): the fourth is refused.
      await rejection(limits.hit("register", { ip: "192.0.2.50" }));
      await limits.recordLoginFailure("down@example.com", "192.0.2.51");
      await limits.assertLoginAllowed("down@example.com", "192.0.2.51");
    } finally {
      await limits.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});

describe("rate limits switched off", () => {
  it("NO_LIMITS never throws", async () => {
    for (let i = 0; i < 20; i++) {
      await NO_LIMITS.hit("login", { ip: "192.0.2.60", account: "a@example.com" });
      await NO_LIMITS.assertLoginAllowed("a@example.com", "192.0.2.60");
      expect(await NO_LIMITS.recordLoginFailure("a@example.com", "192.0.2.60")).toBe(false);
    }
    await NO_LIMITS.recordLoginSuccess("a@example.com", "192.0.2.60");
    await NO_LIMITS.close();
  });

  it("createRateLimits with rateLimitEnabled=false limits nothing and still closes its factory", async () => {
    let closed = false;
    const factory = await createLimiterFactory({ kind: "memory" });
    const limits = createRateLimits(
      { ...CONFIG, rateLimitEnabled: false },
      {
        make: factory.make,
        close: async () => {
          closed = true;
        },
      },
    );
    for (let i = 0; i < 10; i++) {
      await limits.hit("register", { ip: "192.0.2.61", account: "b@example.com" });
      await limits.recordLoginFailure("b@example.com", "192.0.2.61");
    }
    await limits.assertLoginAllowed("b@example.com", "192.0.2.61");
    await limits.close();
    expect(closed).toBe(true);
  });
});
