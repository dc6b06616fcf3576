import { describe, expect, it } from "vitest";
import { type LimitedHasher, limitHashing } from "../../src/crypto/hash-queue.js";
import type { PasswordHasher } from "../../src/crypto/password.js";
import type { AuditInput } from "../../src/domain/audit.js";
import { AuthError } from "../../src/errors.js";
import { NO_LIMITS, type RateLimits } from "../../src/limits/rate-limits.js";
import type { MailTransport } from "../../src/mail/transport.js";
import {
  instrumentAudit,
  instrumentHasher,
  instrumentLimits,
  instrumentTransport,
} from "../../src/metrics/instrument.js";
import { createMetrics } from "../../src/metrics/metrics.js";
import { sampleValue } from "./support.js";

// In-memory fakes: these wrappers are pure decorators, the real pieces have their own suites.

const fakeHasher: PasswordHasher = {
  hash: async (password) => {
    if (password === "explode") throw new Error("hasher down");
    return `hashed:${password}`;
  },
  verify: async (hash, password) => ({ ok: hash === `hashed:${password}`, needsRehash: false }),
  verifyDummy: async () => {},
};

describe("instrumentHasher", () => {
  it("returns what the hasher returns and times hash and verify, verifyDummy as verify", async () => {
    const metrics = createMetrics();
    const hasher = instrumentHasher(fakeHasher, metrics);

    expect(await hasher.hash("pw")).toBe("hashed:pw");
    expect(await hasher.verify("hashed:pw", "pw")).toEqual({ ok: true, needsRehash: false });
    await hasher.verifyDummy("pw");

    const count = 'latchkey_password_hash_duration_seconds_count{op="%s"}';
    expect(await sampleValue(metrics, count.replace("%s", "hash"))).toBe(1);
    expect(await sampleValue(metrics, count.replace("%s", "verify"))).toBe(2);
  });

  it("rethrows a failing hash, and still records the time it took", async () => {
    const metrics = createMetrics();
    const hasher = instrumentHasher(fakeHasher, metrics);

    await expect(hasher.hash("explode")).rejects.toThrow("hasher down");
    expect(
      await sampleValue(metrics, 'latchkey_password_hash_duration_seconds_count{op="hash"}'),
    ).toBe(1);
  });

  // Checked by `tsc --noEmit`, not at run time: the limit must be the outer wrapper, since
  // only a LimitedHasher has the admit() that Deps.hasher requires for load shedding.
  it("cannot wrap a limited hasher: the swapped order loses admit() and does not compile", () => {
    const limits = { concurrency: 1, maxQueue: 0 };
    const rightOrder: LimitedHasher = limitHashing(
      instrumentHasher(fakeHasher, createMetrics()),
      limits,
    );
    // @ts-expect-error instrumentHasher returns a plain PasswordHasher, which has no admit()
    const swapped: LimitedHasher = instrumentHasher(
      limitHashing(fakeHasher, limits),
      createMetrics(),
    );
    expect(typeof rightOrder.admit).toBe("function");
    expect("admit" in swapped).toBe(false);
  });
});

describe("instrumentTransport", () => {
  const message = {
    to: "a@example.com",
    from: "l@example.com",
    subject: "s",
    text: "t",
    html: "h",
  };

  it("counts sent and failed deliveries and rethrows the failure unchanged", async () => {
    const metrics = createMetrics();
    const failure = new Error("421 try later");
    let closed = false;
    const inner: MailTransport = {
      send: async (mail) => {
        if (mail.to.startsWith("bounce")) throw failure;
      },
      close: async () => {
        closed = true;
      },
    };
    const transport = instrumentTransport(inner, metrics);

    await transport.send({ ...message, template: "verify" });
    await transport.send({ ...message, template: "reset" });
    await expect(
      transport.send({ ...message, to: "bounce@example.com", template: "verify" }),
    ).rejects.toBe(failure);
    await transport.close();

    expect(await sampleValue(metrics, 'latchkey_mail_total{result="sent"}')).toBe(2);
    expect(await sampleValue(metrics, 'latchkey_mail_total{result="failed"}')).toBe(1);
    expect(closed).toBe(true);
  });
});

describe("instrumentAudit", () => {
  it("counts logins by outcome and refresh reuse, and passes every event on", async () => {
    const metrics = createMetrics();
    const recorded: AuditInput[] = [];
    const audit = instrumentAudit(async (event) => {
      recorded.push(event);
    }, metrics);
    const events: AuditInput[] = [
      { type: "login.success", outcome: "success", userId: "u1" },
      { type: "login.failure", outcome: "failure" },
      { type: "login.failure", outcome: "failure" },
      { type: "login.lockout", outcome: "failure" },
      { type: "refresh.reuse", outcome: "failure", userId: "u1" },
      { type: "password.changed", outcome: "success", userId: "u1" },
      { type: "admin.user.blocked", outcome: "success", userId: "u2", actorId: "u1" },
    ];

    for (const event of events) await audit(event);

    expect(recorded).toEqual(events);
    expect(await sampleValue(metrics, 'latchkey_logins_total{outcome="success"}')).toBe(1);
    expect(await sampleValue(metrics, 'latchkey_logins_total{outcome="failure"}')).toBe(2);
    expect(await sampleValue(metrics, 'latchkey_logins_total{outcome="lockout"}')).toBe(1);
    expect(await sampleValue(metrics, "latchkey_refresh_reuse_total")).toBe(1);
  });
});

describe("instrumentAudit, providers' callbacks", () => {
  it("labels only configured providers and known outcomes; anything else is unknown or other", async () => {
    const metrics = createMetrics({ oauthProviders: ["google"] });
    const audit = instrumentAudit(async () => {}, metrics);
    const series = (provider: string, outcome: string) =>
      `latchkey_oauth_sign_ins_total{provider="${provider}",outcome="${outcome}"}`;
    await audit({
      type: "oauth.sign_in",
      outcome: "success",
      details: { provider: "google", result: "new_user" },
    });
    await audit({
      type: "oauth.failure",
      outcome: "failure",
      details: { provider: "google", code: "INVALID_STATE" },
    });
    await audit({
      type: "oauth.failure",
      outcome: "failure",
      details: { provider: "google", code: "RATE_LIMITED" },
    });
    await audit({
      type: "oauth.failure",
      outcome: "failure",
      details: { provider: "<script>", code: "PROVIDER_ERROR" },
    });

    expect(await sampleValue(metrics, series("google", "new_user"))).toBe(1);
    expect(await sampleValue(metrics, series("google", "invalid_state"))).toBe(1);
    expect(await sampleValue(metrics, series("google", "other"))).toBe(1);
    expect(await sampleValue(metrics, series("unknown", "provider_error"))).toBe(1);
    expect(await sampleValue(metrics, series("google", "success"))).toBe(0);
    expect(await metrics.render()).not.toContain("<script>");
  });
});

describe("instrumentLimits", () => {
  const limited = () => new AuthError("RATE_LIMITED", undefined, undefined, 30);
  const storeDown = new Error("redis unreachable");
  const inner: RateLimits = {
    ...NO_LIMITS,
    hit: async (action) => {
      if (action === "forgot") throw limited();
      if (action === "reset") throw storeDown;
    },
    assertLoginAllowed: async (email) => {
      if (email === "locked@example.com") throw limited();
    },
    recordLoginFailure: async () => true,
  };

  it("counts RATE_LIMITED refusals by action, login lockouts as login, and rethrows them", async () => {
    const metrics = createMetrics();
    const limits = instrumentLimits(inner, metrics);

    await limits.hit("register", { ip: "1.2.3.4" });
    const refusal = await limits.hit("forgot", { ip: "1.2.3.4" }).catch((error) => error);
    await expect(limits.assertLoginAllowed("locked@example.com", "1.2.3.4")).rejects.toThrow(
      AuthError,
    );
    await limits.assertLoginAllowed("free@example.com", "1.2.3.4");

    expect(refusal).toBeInstanceOf(AuthError);
    expect(refusal).toMatchObject({ code: "RATE_LIMITED", retryAfter: 30 });
    expect(await sampleValue(metrics, 'latchkey_rate_limited_total{action="forgot"}')).toBe(1);
    expect(await sampleValue(metrics, 'latchkey_rate_limited_total{action="login"}')).toBe(1);
    expect(await sampleValue(metrics, 'latchkey_rate_limited_total{action="register"}')).toBe(0);
  });

  it("does not count a store failure as a refusal, and rethrows it", async () => {
    const metrics = createMetrics();
    const limits = instrumentLimits(inner, metrics);

    await expect(limits.hit("reset", { ip: "1.2.3.4" })).rejects.toBe(storeDown);
    expect(await sampleValue(metrics, 'latchkey_rate_limited_total{action="reset"}')).toBe(0);
  });

  it("passes the other methods through", async () => {
    const limits = instrumentLimits(inner, createMetrics());

    expect(await limits.recordLoginFailure("a@example.com", "1.2.3.4")).toBe(true);
    await expect(limits.recordLoginSuccess("a@example.com", "1.2.3.4")).resolves.toBeUndefined();
    await expect(limits.close()).resolves.toBeUndefined();
  });
});
