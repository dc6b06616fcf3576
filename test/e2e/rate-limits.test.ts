import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachStore, pglite, type StoreUnderTest } from "../helpers/stores.js";
import { type JsonResponse, startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  mailsTo,
  nthCodeTo,
  otherCode,
  PASSWORD,
  register,
  uniqueEmail,
  verifyEmail,
} from "./support.js";

// A server starts in about 2 s, but far slower on a loaded machine (PGlite compiles its WASM).
const START_TIMEOUT_MS = 90_000;

const NEW_PASSPHRASE = "a long enough passphrase";

/** Every limited action, with small limits so each trips in a handful of requests. */
// biome-ignore format: a table reads best as one
const ACTIONS = [
  { name: "register", path: "/auth/register", ip: 3, account: 3, allowed: 201,
    body: (email: string) => ({ email, password: PASSWORD }) },
  { name: "login", path: "/auth/login", ip: 8, account: undefined, allowed: 401,
    body: (email: string) => ({ email, password: "not the password at all" }) },
  { name: "verify", path: "/auth/verify-email", ip: 5, account: 8, allowed: 400,
    body: (email: string) => ({ email, code: "000000" }) },
  { name: "resend", path: "/auth/verify-email/resend", ip: 3, account: 3, allowed: 202,
    body: (email: string) => ({ email }) },
  { name: "forgot", path: "/auth/forgot-password", ip: 3, account: 3, allowed: 202,
    body: (email: string) => ({ email }) },
  { name: "reset", path: "/auth/reset-password", ip: 3, account: 3, allowed: 400,
    body: (email: string) => ({ email, code: "000000", password: NEW_PASSPHRASE }) },
] as const;

/** Free failures per (email, IP), and per email across IPs, before the growing delay. */
const PAIR_FREE = 3;
const ACCOUNT_FREE = 6;

const LIMIT_ENV: Record<string, string> = {
  RATE_LIMIT_ENABLED: "true",
  RATE_LIMIT_LOGIN_FAILURES_ACCOUNT_IP: `${PAIR_FREE}/15m`,
  RATE_LIMIT_LOGIN_FAILURES_ACCOUNT: `${ACCOUNT_FREE}/1h`,
  ...Object.fromEntries(
    ACTIONS.flatMap((a) => [
      [`RATE_LIMIT_${a.name.toUpperCase()}_IP`, `${a.ip}/10m`],
      ...(a.account ? [[`RATE_LIMIT_${a.name.toUpperCase()}_ACCOUNT`, `${a.account}/1h`]] : []),
    ]),
  ),
};

// Random per run: Redis counters outlive the run, and a rerun must start from zero.
const RUN = Array.from({ length: 3 }, () => randomBytes(2).readUInt16BE().toString(16)).join(":");
let ips = 0;
/** A client address no other test has used, so each test has its own IP counters. */
const freshIp = () => `fd00:${RUN}::${(++ips).toString(16)}`;
const from = (ip: string) => ({ "x-forwarded-for": ip });

function expectRateLimited(res: JsonResponse): number {
  expectError(res, 429, "RATE_LIMITED");
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter).toMatch(/^[0-9]+$/);
  expect(Number(retryAfter)).toBeGreaterThan(0);
  return Number(retryAfter);
}

type Backend = "memory" | "postgres" | "redis";

function limitSuite(store: StoreUnderTest, backend: Backend, extraEnv: Record<string, string>) {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store,
      env: { ...LIMIT_ENV, TRUST_PROXY: "true", ...extraEnv },
    });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  /** Each request from a fresh IP. */
  async function signUp(tag: string, verify = true) {
    const email = uniqueEmail(tag);
    const res = await register(server, email, { headers: from(freshIp()) });
    const userId: string = res.body.userId;
    if (verify) {
      const code = await nthCodeTo(server, email, 1);
      await verifyEmail(server, { userId, code }, from(freshIp()));
    }
    return { email, userId };
  }

  /** A POST from `ip`, by default a fresh one. */
  const post = (path: string, body: object, ip = freshIp()) => server.post(path, body, from(ip));
  const login = (email: string, password: string, ip: string) =>
    post("/auth/login", { email, password }, ip);
  const resend = async (email: string) =>
    expect((await post("/auth/verify-email/resend", { email })).status).toBe(202);
  const lockouts = (userId: string) =>
    server.runtime.deps.stores.audit.list({ userId, type: "login.lockout", limit: 10 });

  for (const action of ACTIONS) {
    it(`${action.name}: 429 RATE_LIMITED with Retry-After once the IP limit (${action.ip}) is passed`, async () => {
      const ip = freshIp();
      for (let i = 0; i < action.ip; i++) {
        const res = await server.post(action.path, action.body(uniqueEmail(action.name)), from(ip));
        expect(res.status, JSON.stringify(res.body)).toBe(action.allowed);
      }
      const over = await server.post(action.path, action.body(uniqueEmail("over")), from(ip));
      expect(expectRateLimited(over)).toBeLessThanOrEqual(600);
      // Another client is not affected.
      expect((await post(action.path, action.body(uniqueEmail("other")))).status).toBe(
        action.allowed,
      );
    });

    const accountLimit = action.account;
    if (accountLimit === undefined) continue;
    it(`${action.name}: the per-account limit (${accountLimit}) trips across different IPs`, async () => {
      const email = uniqueEmail(`${action.name}-account`);
      for (let i = 0; i < accountLimit; i++) {
        const res = await post(action.path, action.body(email));
        // An unknown email's guesses count like a code's (issue 13 item 11): past
        // CODE_MAX_ATTEMPTS (5) they answer as a burned code does, still under the limit.
        if (action.name === "verify" && i >= 4) expectError(res, 429, "TOO_MANY_ATTEMPTS");
        else expect(res.status, JSON.stringify(res.body)).toBe(action.allowed);
      }
      expectRateLimited(await post(action.path, action.body(email)));
      // Other accounts are not affected.
      expect((await post(action.path, action.body(uniqueEmail("x")))).status).toBe(action.allowed);
    });
  }

  it("guessing 000000 across many real accounts from one IP trips the verify IP limit", async () => {
    const verifyIp = ACTIONS.find((a) => a.name === "verify")?.ip ?? 0;
    const victims = [];
    for (let i = 0; i <= verifyIp; i++) victims.push(await signUp(`victim${i}`, false));
    const ip = freshIp();
    for (const victim of victims.slice(0, verifyIp)) {
      const res = await post("/auth/verify-email", { userId: victim.userId, code: "000000" }, ip);
      expectError(res, 400, "INVALID_CODE");
    }
    const last = victims[verifyIp];
    expectRateLimited(
      await post("/auth/verify-email", { userId: last?.userId, code: "000000" }, ip),
    );
  });

  // BUG (src/limits/rate-limits.ts, growingDelay): the lockout starts only after the
  // (PAIR_FREE+1)-th failure, so one more password is checked than the limit allows.
  it(`login: after ${PAIR_FREE} free failures from one IP the very next attempt is 429`, async () => {
    const { email } = await signUp("pair-exact");
    const attacker = freshIp();
    for (let i = 0; i < PAIR_FREE; i++) {
      expectError(await login(email, "wrong password!", attacker), 401, "INVALID_CREDENTIALS");
    }
    // RATE_LIMIT_LOGIN_FAILURES_ACCOUNT_IP: "failed logins per (email, IP) before each
    // further try waits": the try after the free ones must wait, not reach the password check.
    expectRateLimited(await login(email, "wrong password!", attacker));
  });

  it("login: an attacker's IP in lockout does not lock the owner out from another IP", async () => {
    const { email } = await signUp("pair");
    const attacker = freshIp();
    for (let i = 0; i <= PAIR_FREE; i++) await login(email, "wrong password!", attacker);
    // Even the right password waits on the attacker's address...
    expectRateLimited(await login(email, PASSWORD, attacker));
    // ...but not on the owner's, until the email-wide threshold.
    expect((await login(email, PASSWORD, freshIp())).status).toBe(200);
    // The owner's success does not free the attacker's address.
    expectRateLimited(await login(email, "wrong password!", attacker));
  });

  it("login: a lockout is recorded in the audit trail, and the delay doubles", async () => {
    const { email, userId } = await signUp("lockout");
    const attacker = freshIp();
    for (let i = 0; i <= PAIR_FREE; i++) await login(email, "wrong!!!!", attacker);
    const events = await lockouts(userId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: "failure", userId, ip: attacker });

    // The limiter counts in real time (not the test clock): wait out the first, 2 s delay.
    const first = expectRateLimited(await login(email, "wrong!!!!", attacker));
    expect(first).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, first * 1000 + 100));
    expectError(await login(email, "wrong!!!!", attacker), 401, "INVALID_CREDENTIALS");
    const second = expectRateLimited(await login(email, "wrong!!!!", attacker));
    expect(second).toBeGreaterThan(2);
    expect(second).toBeLessThanOrEqual(4);
    expect(await lockouts(userId)).toHaveLength(2);
  });

  it(`login: ${ACCOUNT_FREE} failures for one email from many IPs lock the email everywhere`, async () => {
    const { email } = await signUp("spread");
    for (let i = 0; i < ACCOUNT_FREE; i++) {
      expectError(await login(email, "wrong password!", freshIp()), 401, "INVALID_CREDENTIALS");
    }
    await login(email, "wrong password!", freshIp());
    // Past the email-wide threshold even the right password from a new address waits.
    expectRateLimited(await login(email, PASSWORD, freshIp()));
  });

  it("login: a success resets the failure counters", async () => {
    const { email } = await signUp("reset");
    const ip = freshIp();
    // One short of the allowance: the last free failure would start the delay.
    for (let i = 0; i < PAIR_FREE - 1; i++)
      expect((await login(email, "wrong!!!!", ip)).status).toBe(401);
    expect((await login(email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < PAIR_FREE - 1; i++) {
      expectError(await login(email, "wrong!!!!", ip), 401, "INVALID_CREDENTIALS");
    }
  });

  it("resending a code does not reset its attempt count; an exhausted code is not replaced until it expires", async () => {
    const { email, userId } = await signUp("attempts", false);
    const first = await nthCodeTo(server, email, 1);
    const verify = (code: string) => post("/auth/verify-email", { userId, code });
    for (let i = 0; i < 4; i++) expectError(await verify(otherCode(first)), 400, "INVALID_CODE");

    server.clock.advance(61); // past RESEND_COOLDOWN (60s)
    await resend(email);
    const second = await nthCodeTo(server, email, 2);
    // The fifth wrong try overall, on the new code: the tries carried over.
    expectError(await verify(otherCode(second)), 429, "TOO_MANY_ATTEMPTS");

    server.clock.advance(61);
    await resend(email);
    await server.runtime.background.flush();
    await server.runtime.mail.flush();
    expect(mailsTo(server, email)).toHaveLength(2);

    server.clock.advance(10 * 60); // past EMAIL_CODE_TTL (10m)
    await resend(email);
    const third = await nthCodeTo(server, email, 3);
    expect((await verify(third)).status).toBe(200);
  });

  it(`keeps the counters in ${backend}`, async () => {
    const ip = freshIp();
    await post("/auth/forgot-password", { email: uniqueEmail("where") }, ip);
    const db = server.runtime.database.db;
    const table = await sql<{
      t: string | null;
    }>`SELECT to_regclass('rate_limits')::text AS t`.execute(db);
    if (backend === "memory") {
      expect(table.rows[0]?.t ?? null).toBeNull();
    } else if (backend === "postgres") {
      const rows = await sql`SELECT key FROM rate_limits WHERE key = ${`forgotIp:${ip}`}`.execute(
        db,
      );
      expect(rows.rows).toHaveLength(1);
    } else {
      const redis = new Redis(extraEnv.REDIS_URL ?? "");
      try {
        expect(await redis.exists(`latchkey:rl:forgotIp:${ip}`)).toBe(1);
      } finally {
        await redis.quit();
      }
    }
  });
}

describeEachStore("rate limits", (store) => {
  describe("with TRUST_PROXY", () => {
    limitSuite(store, store.name === "PGlite" ? "memory" : "postgres", {});
  });

  describe("without TRUST_PROXY", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ store, env: { ...LIMIT_ENV, TRUST_PROXY: "false" } });
    }, START_TIMEOUT_MS);
    afterAll(() => server?.close());

    it("ignores X-Forwarded-For: every request counts as the socket's address", async () => {
      for (let i = 0; i < 3; i++) {
        const res = await server.post(
          "/auth/forgot-password",
          { email: uniqueEmail("xff") },
          from(freshIp()),
        );
        expect(res.status).toBe(202);
      }
      expectRateLimited(
        await server.post("/auth/forgot-password", { email: uniqueEmail("xff") }, from(freshIp())),
      );
      const email = uniqueEmail("audit-ip");
      await server.post("/auth/login", { email, password: "wrong password!" }, from("203.0.113.9"));
      const events = await server.runtime.deps.stores.audit.list({
        type: "login.failure",
        limit: 20,
      });
      expect(events.find((e) => e.ip === "203.0.113.9")).toBeUndefined();
      expect(events.map((e) => e.ip)).toContain("127.0.0.1");
    });
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn("TEST_REDIS_URL not set: rate limits in Redis are not tested");

describe.skipIf(!redisUrl)("rate limits [Redis counters, PGlite store]", () => {
  limitSuite(pglite, "redis", { REDIS_URL: redisUrl ?? "" });
});
