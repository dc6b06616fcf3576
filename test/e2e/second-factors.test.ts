import { afterAll, beforeAll, expect, it } from "vitest";
import { METHOD_PURGES } from "../../src/composition/sign-in-methods.js";
import { purgeExpired } from "../../src/storage/purge.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { call } from "./admin-support.js";
import { appCode as codeOf, enrolAuthenticator } from "./second-factor-support.js";
import {
  expectError,
  expectOnlyMfaCookie,
  expectTokenBundle,
  loginOk,
  registerActive,
  resetWithMailedCode,
} from "./support.js";

const NEW_PASSWORD = "a brand new passphrase";

describeEachStore("second factors: TOTP and recovery codes", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  const appCode = (secret: string, steps = 0) => codeOf(server, secret, steps);

  /** An active user with a confirmed authenticator: its secret, recovery codes, aal2 session. */
  async function withAuthenticator(tag: string) {
    const user = await registerActive(server, tag);
    const session = (await loginOk(server, user.email)).body;
    const app = await enrolAuthenticator(server, session.accessToken, "phone");
    return { ...user, ...app, old: session };
  }

  /** Waits for the mail with this subject to this address. */
  const mailed = (email: string, subject: string) =>
    server.smtp.waitForMail((mail) => mail.to.includes(email) && mail.subject === subject);

  async function challenge(email: string, password: string) {
    const res = await server.post("/auth/login", { email, password });
    expect(res.status).toBe(200);
    expect(res.body.mfaRequired, JSON.stringify(res.body)).toBe(true);
    return res.body.mfaToken as string;
  }

  it("enrols: secret, otpauth URL and QR; a wrong code is refused; the right one gives aal2, 10 recovery codes, and ends the other sessions", async () => {
    const user = await registerActive(server, "enrol");
    const session = (await loginOk(server, user.email)).body;
    const enrol = await call(server, "POST", "/auth/mfa/totp", session.accessToken, {});
    expect(enrol.status).toBe(201);
    expect(enrol.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrol.body.otpauthUrl).toContain(`secret=${enrol.body.secret}`);
    expect(enrol.body.qrSvg.startsWith("<svg")).toBe(true);
    // Unconfirmed, it does nothing: login still answers tokens.
    expectTokenBundle(await loginOk(server, user.email));

    const path = `/auth/mfa/totp/${enrol.body.factorId}/confirm`;
    const wrong = String((Number(appCode(enrol.body.secret)) + 1) % 1_000_000).padStart(6, "0");
    expectError(
      await call(server, "POST", path, session.accessToken, { code: wrong }),
      400,
      "INVALID_CODE",
    );
    const ok = await call(server, "POST", path, session.accessToken, {
      code: appCode(enrol.body.secret),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ aal: "aal2", amr: ["pwd", "otp"] });
    expect(ok.body.user.mfaEnabled).toBe(true);
    expect(session.user.mfaEnabled).toBe(false);
    expect(ok.body.recoveryCodes).toHaveLength(10);
    await mailed(user.email, "A second factor was added to your Latchkey account");
    expectError(await call(server, "GET", "/auth/me", session.accessToken), 401, "UNAUTHORIZED");
    const factors = await call(server, "GET", "/auth/mfa/factors", ok.body.accessToken);
    expect(factors.body).toMatchObject({
      recoveryCodesLeft: 10,
      factors: [{ type: "totp", name: null }],
    });
    // Confirming again: it is no longer an unconfirmed factor.
    expectError(
      await call(server, "POST", path, ok.body.accessToken, {
        code: appCode(enrol.body.secret, 1),
      }),
      404,
      "FACTOR_NOT_FOUND",
    );
  });

  it("login asks for the factor (no token, no session cookie); a TOTP finishes it at aal2, and refresh keeps aal2", async () => {
    const user = await withAuthenticator("verify");
    const res = await server.post("/auth/login", { email: user.email, password: user.password });
    expect(res.body).toMatchObject({
      mfaRequired: true,
      methods: ["totp", "recovery_code"],
      expiresIn: 300,
    });
    expect(res.body.accessToken).toBeUndefined();
    expectOnlyMfaCookie(res);

    server.clock.advance(30);
    const done = await server.post("/auth/mfa/verify", {
      mfaToken: res.body.mfaToken,
      method: "totp",
      code: appCode(user.secret),
    });
    expectTokenBundle(done);
    expect(done.body).toMatchObject({ aal: "aal2", amr: ["pwd", "otp"] });
    const refreshed = await server.post("/auth/refresh", { refreshToken: done.body.refreshToken });
    expect(refreshed.body).toMatchObject({ aal: "aal2", amr: ["pwd", "otp"] });
    // The mfaToken is single use.
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken: res.body.mfaToken,
        method: "totp",
        code: appCode(user.secret),
      }),
      401,
      "INVALID_MFA_TOKEN",
    );
  });

  it("TOTP replay (Better Auth #10387): a code used once is refused again inside its window", async () => {
    const user = await withAuthenticator("replay");
    server.clock.advance(30);
    const code = appCode(user.secret);
    const first = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, user.password),
      method: "totp",
      code,
    });
    expect(first.status).toBe(200);
    const again = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, user.password),
      method: "totp",
      code,
    });
    expectError(again, 400, "INVALID_CODE");
  });

  it("TOTP replay under concurrency: one code sent 10 times at once is accepted exactly once", async () => {
    const user = await withAuthenticator("replay-race");
    server.clock.advance(30);
    const code = appCode(user.secret);
    const tokens = await Promise.all(
      Array.from({ length: 10 }, () => challenge(user.email, user.password)),
    );
    const answers = await Promise.all(
      tokens.map((mfaToken) => server.post("/auth/mfa/verify", { mfaToken, method: "totp", code })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    // The rest are wrong codes (400), or, past the free failures, told to wait (429).
    expect(statuses.filter((status) => status !== 200).every((s) => s === 400 || s === 429)).toBe(
      true,
    );
  });

  it("a recovery code works once, typed in any case and without dashes; amr says recovery_code", async () => {
    const user = await withAuthenticator("recovery");
    const [code] = user.confirmed.recoveryCodes as string[];
    const typed = (code as string).toLowerCase().replaceAll("-", "");
    const done = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, user.password),
      method: "recovery_code",
      code: typed,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ aal: "aal2", amr: ["pwd", "recovery_code"] });
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken: await challenge(user.email, user.password),
        method: "recovery_code",
        code,
      }),
      400,
      "INVALID_CODE",
    );
    const left = await call(server, "GET", "/auth/mfa/factors", done.body.accessToken);
    expect(left.body.recoveryCodesLeft).toBe(9);
  });

  it("a dead mfaToken: unknown, expired after 5 minutes, or killed by 5 wrong codes", async () => {
    const user = await withAuthenticator("dead-token");
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken: "not-a-token",
        method: "totp",
        code: "000000",
      }),
      401,
      "INVALID_MFA_TOKEN",
    );
    const expiring = await challenge(user.email, user.password);
    server.clock.advance(301);
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken: expiring,
        method: "totp",
        code: appCode(user.secret),
      }),
      401,
      "INVALID_MFA_TOKEN",
    );
    const guessed = await challenge(user.email, user.password);
    for (let i = 0; i < 5; i++) {
      const wrong = await server.post("/auth/mfa/verify", {
        mfaToken: guessed,
        method: "recovery_code",
        code: "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
      });
      expectError(wrong, 400, "INVALID_CODE");
    }
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken: guessed,
        method: "totp",
        code: appCode(user.secret, 1),
      }),
      401,
      "INVALID_MFA_TOKEN",
    );
  });

  it("a password reset asks for the factor too (ASVS 5.0 6.4.3), after changing the password", async () => {
    const user = await withAuthenticator("reset");
    const res = await resetWithMailedCode(server, user.email, NEW_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mfaRequired: true });
    expect(res.body.accessToken).toBeUndefined();
    server.clock.advance(30);
    const done = await server.post("/auth/mfa/verify", {
      mfaToken: res.body.mfaToken,
      method: "totp",
      code: appCode(user.secret),
    });
    expect(done.body).toMatchObject({ aal: "aal2", amr: ["email", "otp"] });
  });

  it("removing the last factor takes the recovery codes with it, and login answers tokens again", async () => {
    const user = await withAuthenticator("remove");
    const token = user.confirmed.accessToken as string;
    expectError(
      await call(server, "DELETE", "/auth/mfa/factors/00000000-0000-4000-8000-000000000000", token),
      404,
      "FACTOR_NOT_FOUND",
    );
    const removed = await call(server, "DELETE", `/auth/mfa/factors/${user.factorId}`, token);
    expect(removed.status).toBe(200);
    await mailed(user.email, "A second factor was removed from your Latchkey account");
    expect((await call(server, "GET", "/auth/mfa/factors", token)).body).toMatchObject({
      factors: [],
      recoveryCodesLeft: 0,
    });
    expect((await call(server, "GET", "/auth/me", token)).body.user.mfaEnabled).toBe(false);
    const after = await loginOk(server, user.email);
    expectTokenBundle(after);
    expect(after.body.user.mfaEnabled).toBe(false);
  });

  it("new recovery codes replace the old set", async () => {
    const user = await withAuthenticator("regenerate");
    const res = await call(server, "POST", "/auth/mfa/recovery-codes", user.confirmed.accessToken);
    expect(res.status).toBe(200);
    expect(res.body.recoveryCodes).toHaveLength(10);
    const [old] = user.confirmed.recoveryCodes as string[];
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken: await challenge(user.email, user.password),
        method: "recovery_code",
        code: old,
      }),
      400,
      "INVALID_CODE",
    );
  });

  it("failures count per account, not per IP or per mfaToken (Better Auth, Supabase): past 5 free ones, wait", async () => {
    const user = await withAuthenticator("per-account");
    server.clock.advance(30);
    for (let i = 0; i < 5; i++) {
      const mfaToken = await challenge(user.email, user.password);
      expectError(
        await server.post("/auth/mfa/verify", { mfaToken, method: "totp", code: "000000" }),
        400,
        "INVALID_CODE",
      );
    }
    const waiting = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, user.password),
      method: "totp",
      code: appCode(user.secret),
    });
    expectError(waiting, 429, "RATE_LIMITED");
    expect(waiting.headers.get("retry-after")).toBe("1");
    server.clock.advance(1);
    const done = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, user.password),
      method: "totp",
      code: appCode(user.secret),
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  });

  it("password and second-factor failures are counted apart (Keycloak #46164), and recovery codes apart from TOTP", async () => {
    const user = await withAuthenticator("apart");
    for (let i = 0; i < 6; i++) {
      const mfaToken = await challenge(user.email, user.password);
      await server.post("/auth/mfa/verify", { mfaToken, method: "totp", code: "000000" });
    }
    // TOTP must wait now; the password step and the recovery codes are untouched by it.
    const mfaToken = await challenge(user.email, user.password);
    const [code] = user.confirmed.recoveryCodes as string[];
    const done = await server.post("/auth/mfa/verify", { mfaToken, method: "recovery_code", code });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  });

  it("100 consecutive wrong TOTP codes lock TOTP (NIST SP 800-63B-4 §3.2.2); recovery codes still work", async () => {
    const user = await withAuthenticator("lock");
    for (let i = 0; i < 100; i++) {
      const mfaToken = await challenge(user.email, user.password);
      const wrong = await server.post("/auth/mfa/verify", {
        mfaToken,
        method: "totp",
        code: "000000",
      });
      expect(wrong.status, `failure ${i + 1}`).toBe(400);
      server.clock.advance(15 * 60);
    }
    server.clock.advance(30);
    const locked = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, user.password),
      method: "totp",
      code: appCode(user.secret),
    });
    expectError(locked, 429, "TOO_MANY_ATTEMPTS");
    await mailed(user.email, "Your Latchkey second factor is locked");
    expect(locked.body.message).toMatch(/locked/);
    const [code] = user.confirmed.recoveryCodes as string[];
    const recovered = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, user.password),
      method: "recovery_code",
      code,
    });
    expect(recovered.status).toBe(200);
  });

  it("no session before the second factor (Better Auth GHSA-xg6x-h9c9-2m83): the challenge is no token, and none is stored", async () => {
    const user = await withAuthenticator("no-early-session");
    const live = await server.runtime.deps.stores.sessions.listLiveForUser(
      user.userId,
      server.clock(),
    );
    const mfaToken = await challenge(user.email, user.password);
    expectError(await call(server, "GET", "/auth/me", mfaToken), 401, "UNAUTHORIZED");
    expect(
      await server.runtime.deps.stores.sessions.listLiveForUser(user.userId, server.clock()),
    ).toEqual(live);
  });

  it("the purge drops unconfirmed authenticators after 15 minutes and expired challenges", async () => {
    const user = await withAuthenticator("purge");
    const enrol = await call(server, "POST", "/auth/mfa/totp", user.confirmed.accessToken, {});
    expect(enrol.status).toBe(201);
    await challenge(user.email, user.password);
    server.clock.advance(16 * 60);
    const report = await purgeExpired(server.runtime.deps.stores, server.clock(), {
      methods: METHOD_PURGES,
    });
    expect(report.methods?.["unconfirmed second factors"]).toBeGreaterThanOrEqual(1);
    expect(report.methods?.["expired second-factor challenges"]).toBeGreaterThanOrEqual(1);
    const factors = server.runtime.deps.stores.secondFactors;
    expect(await factors.findFactor(user.userId, enrol.body.factorId)).toBeNull();
    expect(await factors.findFactor(user.userId, user.factorId)).not.toBeNull();
  });

  it("an aal1 session of a user with MFA must step up (403 MFA_REQUIRED): a reset finished with a recovery code", async () => {
    const user = await withAuthenticator("step-up");
    const reset = await resetWithMailedCode(server, user.email, NEW_PASSWORD);
    const [code] = user.confirmed.recoveryCodes as string[];
    const session = await server.post("/auth/mfa/verify", {
      mfaToken: reset.body.mfaToken,
      method: "recovery_code",
      code,
    });
    expect(session.body).toMatchObject({ aal: "aal1", amr: ["email", "recovery_code"] });
    const token = session.body.accessToken as string;

    const change = { currentPassword: NEW_PASSWORD, newPassword: "yet another passphrase" };
    expectError(
      await call(server, "POST", "/auth/change-password", token, change),
      403,
      "MFA_REQUIRED",
    );
    expectError(
      await call(server, "DELETE", `/auth/mfa/factors/${user.factorId}`, token),
      403,
      "MFA_REQUIRED",
    );
    expectError(await call(server, "POST", "/auth/mfa/recovery-codes", token), 403, "MFA_REQUIRED");
    expectError(await call(server, "POST", "/auth/mfa/totp", token, {}), 403, "MFA_REQUIRED");

    server.clock.advance(30);
    const stepped = await server.post("/auth/mfa/verify", {
      mfaToken: await challenge(user.email, NEW_PASSWORD),
      method: "totp",
      code: appCode(user.secret),
    });
    expect(stepped.body.aal).toBe("aal2");
    const changed = await call(
      server,
      "POST",
      "/auth/change-password",
      stepped.body.accessToken,
      change,
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  });
});
