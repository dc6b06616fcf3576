import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AuditEvent } from "../../src/storage/ports.js";
import { purgeExpired } from "../../src/storage/purge.js";
import { extractLink } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  nthMailTo,
  otherCode,
  PASSWORD,
  registerActive,
  registerPending,
  uniqueEmail,
} from "./support.js";

// A server starts in about 2 s, but far slower on a loaded machine (PGlite compiles its WASM).
const START_TIMEOUT_MS = 90_000;

const APP_URL = "https://app.example.com";
const LINK_PREFIX = `${APP_URL}/password/reset/`;
const NEW_PASSWORD = "a brand new audited passphrase";
const DAY = 86_400;

let clients = 0;
/** A client of its own per test: its address and user agent find its events. */
function newClient() {
  clients += 1;
  const ip = `198.51.100.${clients}`;
  const userAgent = `audit-e2e/${clients} (${randomBytes(3).toString("hex")})`;
  return { ip, userAgent, headers: { "x-forwarded-for": ip, "user-agent": userAgent } };
}

describeEachStore("audit trail", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store,
      env: {
        APP_URL,
        TRUST_PROXY: "true",
        RATE_LIMIT_ENABLED: "true",
        RATE_LIMIT_LOGIN_FAILURES_ACCOUNT_IP: "2/15m",
      },
    });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  const audit = () => server.runtime.deps.stores.audit;

  async function eventsOf(userId: string | null, type: string, ip?: string) {
    const events = await audit().list({ userId: userId ?? undefined, type, limit: 100 });
    return events.filter(
      (e) => (userId === null ? e.userId === null : true) && (!ip || e.ip === ip),
    );
  }

  /** One event of `type`, recorded for this client, now, with this outcome. */
  async function expectEvent(
    type: string,
    userId: string | null,
    client: ReturnType<typeof newClient>,
    outcome: "success" | "failure",
  ): Promise<AuditEvent> {
    const events = await eventsOf(userId, type, client.ip);
    expect(events, `${type} for ${userId}`).toHaveLength(1);
    const event = events[0] as AuditEvent;
    expect(event).toMatchObject({
      type,
      outcome,
      userId,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    expect(Math.abs(event.occurredAt.getTime() - server.clock().getTime())).toBeLessThan(5_000);
    return event;
  }

  /** Every event of the user, as stored, holds none of the secrets. */
  async function expectNoSecrets(userId: string, secrets: string[]): Promise<void> {
    const json = JSON.stringify(await audit().list({ userId, limit: 500 }));
    for (const secret of [...secrets, "$argon2"]) {
      expect(json, "a secret in the audit trail").not.toContain(secret);
    }
  }

  it("user.registered and email.verified (failure with its reason, then success)", async () => {
    const client = newClient();
    const { userId, code } = await registerPending(server, "audit", {}, client.headers);
    await expectEvent("user.registered", userId, client, "success");

    const wrong = otherCode(code);
    await server.post("/auth/verify-email", { userId, code: wrong }, client.headers);
    await server.post("/auth/verify-email", { userId, code }, client.headers);
    const events = await eventsOf(userId, "email.verified", client.ip);
    expect(events.map((e) => e.outcome).sort()).toEqual(["failure", "success"]);
    const failure = events.find((e) => e.outcome === "failure");
    expect(failure?.details).toMatchObject({ reason: "mismatch" });
    expect(failure).toMatchObject({ userAgent: client.userAgent });
    await expectNoSecrets(userId, [PASSWORD, code, wrong]);
  });

  it("login.success and login.failure (wrong password: user id and reason)", async () => {
    const setup = newClient();
    const { email, userId } = await registerActive(server, "audit", {}, setup.headers);
    const client = newClient();
    await server.post("/auth/login", { email, password: "wrong password!" }, client.headers);
    const ok = await server.post("/auth/login", { email, password: PASSWORD }, client.headers);
    expect(ok.status).toBe(200);

    const failure = await expectEvent("login.failure", userId, client, "failure");
    expect(failure.details).toMatchObject({ reason: "wrong_password" });
    await expectEvent("login.success", userId, client, "success");
    await expectNoSecrets(userId, [
      PASSWORD,
      "wrong password!",
      ok.body.accessToken,
      ok.body.refreshToken,
    ]);
  });

  it("login.failure reasons are one lowercase vocabulary, status refusals too", async () => {
    const { email, userId } = await registerPending(server, "audit", {}, newClient().headers);
    const client = newClient();
    const res = await server.post("/auth/login", { email, password: PASSWORD }, client.headers);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    const event = await expectEvent("login.failure", userId, client, "failure");
    expect(event.details).toEqual({ reason: "email_not_verified" });
  });

  it("login.failure for an unknown email has no user id, and the reason", async () => {
    const client = newClient();
    const email = uniqueEmail("nobody");
    await server.post("/auth/login", { email, password: "guess guess guess" }, client.headers);
    const event = await expectEvent("login.failure", null, client, "failure");
    expect(event.details).toMatchObject({ reason: "unknown_email" });
    expect(JSON.stringify(event)).not.toContain("guess guess guess");
    expect(JSON.stringify(event)).not.toContain(email);
  });

  it("login.lockout when failures from one IP pass the free ones", async () => {
    const { email, userId } = await registerActive(server, "audit", {}, newClient().headers);
    const client = newClient();
    for (let i = 0; i < 3; i++) {
      await server.post("/auth/login", { email, password: `wrong password ${i}` }, client.headers);
    }
    await expectEvent("login.lockout", userId, client, "failure");
    await expectNoSecrets(userId, ["wrong password 0", "wrong password 1", "wrong password 2"]);
  });

  it("password.reset, with the method and no token", async () => {
    const { email, userId } = await registerActive(server, "audit", {}, newClient().headers);
    const client = newClient();
    await server.post("/auth/forgot-password", { email }, client.headers);
    const token = extractLink(await nthMailTo(server, email, 2), LINK_PREFIX).slice(
      LINK_PREFIX.length,
    );
    const res = await server.post(
      "/auth/reset-password",
      { token, password: NEW_PASSWORD },
      client.headers,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const event = await expectEvent("password.reset", userId, client, "success");
    expect(event.details).toMatchObject({ method: "link" });
    await expectNoSecrets(userId, [token, NEW_PASSWORD, PASSWORD, res.body.refreshToken]);
  });

  it("password.changed: a wrong current password (failure), then success", async () => {
    const { email, userId } = await registerActive(server, "audit", {}, newClient().headers);
    const client = newClient();
    const login = await server.post("/auth/login", { email, password: PASSWORD }, client.headers);
    const headers = { ...client.headers, authorization: `Bearer ${login.body.accessToken}` };
    const wrong = { currentPassword: "not my password", newPassword: NEW_PASSWORD };
    expect((await server.post("/auth/change-password", wrong, headers)).status).toBe(401);
    const right = { currentPassword: PASSWORD, newPassword: NEW_PASSWORD };
    expect((await server.post("/auth/change-password", right, headers)).status).toBe(200);

    const events = await eventsOf(userId, "password.changed", client.ip);
    expect(events.map((e) => e.outcome).sort()).toEqual(["failure", "success"]);
    expect(events.find((e) => e.outcome === "failure")?.details).toMatchObject({
      reason: "wrong_password",
    });
    for (const e of events) expect(e).toMatchObject({ userAgent: client.userAgent });
    await expectNoSecrets(userId, [
      PASSWORD,
      NEW_PASSWORD,
      "not my password",
      login.body.accessToken,
    ]);
  });

  it("refresh.reuse when a rotated refresh token comes back", async () => {
    const { email, userId } = await registerActive(server, "audit", {}, newClient().headers);
    const login = await server.post(
      "/auth/login",
      { email, password: PASSWORD },
      newClient().headers,
    );
    const first: string = login.body.refreshToken;
    const rotated = await server.post("/auth/refresh", { refreshToken: first });
    expect(rotated.status).toBe(200);
    const thief = newClient();
    expect(
      (await server.post("/auth/refresh", { refreshToken: first }, thief.headers)).status,
    ).toBe(401);
    await expectEvent("refresh.reuse", userId, thief, "failure");
    await expectNoSecrets(userId, [first, rotated.body.refreshToken, rotated.body.accessToken]);
  });

  it("purgeExpired removes events older than AUDIT_RETENTION (default 90 days) and keeps the rest", async () => {
    const retention = server.runtime.deps.config.auditRetention;
    expect(retention).toBe(90 * DAY);
    const now = server.clock();
    const userId = randomUUID();
    const at = (daysAgo: number): AuditEvent => ({
      id: randomUUID(),
      occurredAt: new Date(now.getTime() - daysAgo * DAY * 1000),
      type: "login.success",
      outcome: "success",
      userId,
      actorId: null,
      ip: "192.0.2.1",
      userAgent: "purge-test",
      details: { daysAgo },
    });
    for (const days of [120, 91, 89, 1]) await audit().insert(at(days));

    const report = await purgeExpired(server.runtime.deps.stores, now, {
      auditRetentionSeconds: retention,
    });
    expect(report.audit).toBeGreaterThanOrEqual(2);
    const left = await audit().list({ userId, limit: 10 });
    expect(left.map((e) => e.details.daysAgo).sort()).toEqual([1, 89]);
  });
});
