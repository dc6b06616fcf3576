import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCode, extractLink } from "../helpers/smtp-capture.js";
import { SoftwareAuthenticator } from "../helpers/software-authenticator.js";
import { describeEachStore } from "../helpers/stores.js";
import {
  call,
  createAccount,
  expectOk,
  RESET_LINK_PREFIX,
  signedInAccount,
} from "./admin-support.js";
import { enrolAuthenticator } from "./second-factor-support.js";
import { expectNoSecrets, startWebhookApp, type WebhookApp } from "./webhook-support.js";

const RP_ID = "latchkey.test";
const ORIGIN = "https://app.latchkey.test";
const NEW_PASSWORD = "a fresh reset passphrase 7";

/** password.reset, mfa.enabled, mfa.disabled and login.locked at a real receiver. */
describeEachStore("webhook events of the user", (store) => {
  let app: WebhookApp;
  beforeAll(async () => {
    app = await startWebhookApp(store, {
      WEBAUTHN_RP_ID: RP_ID,
      WEBAUTHN_ORIGINS: `https://${RP_ID},${ORIGIN}`,
    });
  });
  afterAll(() => app?.close());

  const resetMail = (email: string) =>
    app.server.smtp.waitForMail((m) => m.to.includes(email) && /reset/i.test(m.subject));

  it("password.reset after a reset by link and by code, in the reset's transaction", async () => {
    const hook = await app.addEndpoint(["password.reset"]);
    const byLink = await createAccount(app.server, { tag: "reset-link" });
    const linkMail = resetMail(byLink.email);
    await app.server.post("/auth/forgot-password", { email: byLink.email });
    const token = extractLink(await linkMail, RESET_LINK_PREFIX).slice(RESET_LINK_PREFIX.length);
    const linked = await app.server.post("/auth/reset-password", { token, password: NEW_PASSWORD });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);

    const byCode = await createAccount(app.server, { tag: "reset-code" });
    const codeMail = resetMail(byCode.email);
    await app.server.post("/auth/forgot-password", { email: byCode.email, method: "code" });
    const code = extractCode(await codeMail);
    const coded = await app.server.post("/auth/reset-password", {
      email: byCode.email,
      code,
      password: NEW_PASSWORD,
    });
    expect(coded.status, JSON.stringify(coded.body)).toBe(200);

    const events = await app.deliveredTo(hook.path);
    expect(events.map((e) => [e.type, e.data.user?.id])).toEqual([
      ["password.reset", byLink.id],
      ["password.reset", byCode.id],
    ]);
    expect(events[0]?.data.user).toMatchObject({ email: byLink.email, status: "active" });
    for (const request of app.receiver.received.filter((r) => r.path === hook.path)) {
      expectNoSecrets(request.body, token, code, NEW_PASSWORD, linked.body.refreshToken);
    }
  });

  it("a failed reset writes no event", async () => {
    const hook = await app.addEndpoint(["password.reset"]);
    const res = await app.server.post("/auth/reset-password", {
      token: "x".repeat(43),
      password: NEW_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(await app.deliveredTo(hook.path)).toEqual([]);
  });

  it("mfa.enabled when the first factor is confirmed, mfa.disabled when the last goes", async () => {
    const hook = await app.addEndpoint(["mfa.enabled", "mfa.disabled"]);
    const user = await signedInAccount(app.server, { tag: "mfa-totp" });
    const app1 = await enrolAuthenticator(app.server, user.accessToken);
    const aal2: string = app1.confirmed.accessToken;
    // A second factor neither enables (already on) nor, removed, disables.
    const app2 = await enrolAuthenticator(app.server, aal2, "spare");
    const aal2b: string = app2.confirmed.accessToken;
    expectOk(await call(app.server, "DELETE", `/auth/mfa/factors/${app2.factorId}`, aal2b));
    expectOk(await call(app.server, "DELETE", `/auth/mfa/factors/${app1.factorId}`, aal2b));

    const events = await app.deliveredTo(hook.path);
    expect(events.map((e) => e.type)).toEqual(["mfa.enabled", "mfa.disabled"]);
    expect(events.map((e) => e.data.user?.mfaEnabled)).toEqual([true, false]);
    expect(events.every((e) => e.data.user?.id === user.id)).toBe(true);
    for (const request of app.receiver.received.filter((r) => r.path === hook.path)) {
      expectNoSecrets(request.body, app1.secret, app2.secret, aal2);
    }
  });

  it("mfa.enabled and mfa.disabled for a passkey added and removed", async () => {
    const hook = await app.addEndpoint(["mfa.enabled", "mfa.disabled"]);
    const user = await signedInAccount(app.server, { tag: "mfa-passkey" });
    const device = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const options = expectOk(
      await call(app.server, "POST", "/auth/passkeys/register/options", user.accessToken),
    );
    const added = await call(app.server, "POST", "/auth/passkeys/register", user.accessToken, {
      response: device.register(options),
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const login = expectOk(await app.server.post("/auth/passkeys/login/options", {}));
    const session = await app.server.post("/auth/passkeys/login", {
      response: device.assert(login),
    });
    expect(session.status).toBe(200);
    const path = `/auth/passkeys/${added.body.passkey.id}`;
    expectOk(await call(app.server, "DELETE", path, session.body.accessToken));

    const events = await app.deliveredTo(hook.path);
    expect(events.map((e) => [e.type, e.data.user?.id])).toEqual([
      ["mfa.enabled", user.id],
      ["mfa.disabled", user.id],
    ]);
  });

  it("mfa.disabled once when an admin resets every factor", async () => {
    const hook = await app.addEndpoint(["mfa.disabled"]);
    const user = await signedInAccount(app.server, { tag: "mfa-reset" });
    await enrolAuthenticator(app.server, user.accessToken);
    const reset = await call(app.server, "DELETE", `/admin/users/${user.id}/mfa`, app.admin);
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const events = await app.deliveredTo(hook.path);
    expect(events.map((e) => [e.type, e.data.user?.id])).toEqual([["mfa.disabled", user.id]]);
  });
});

describeEachStore("webhook login.locked", (store) => {
  let app: WebhookApp;
  beforeAll(async () => {
    app = await startWebhookApp(store, {
      RATE_LIMIT_ENABLED: "true",
      RATE_LIMIT_LOGIN_FAILURES_ACCOUNT_IP: "3/15m",
    });
  });
  afterAll(() => app?.close());

  describe("the password login", () => {
    it("writes login.locked when failures lock the account, with no password in it", async () => {
      const hook = await app.addEndpoint(["login.locked"]);
      const user = await createAccount(app.server, { tag: "locked" });
      const wrong = "not the right one at all";
      for (let i = 0; i < 3; i++) {
        const res = await app.server.post("/auth/login", { email: user.email, password: wrong });
        expect(res.status).toBe(401);
      }
      // The third failure locked the account: the next try is refused before any check.
      const locked = await app.server.post("/auth/login", { email: user.email, password: wrong });
      expect(locked.status).toBe(429);
      const events = await app.deliveredTo(hook.path);
      expect(events.map((e) => [e.type, e.data.user?.id])).toEqual([["login.locked", user.id]]);
      const [request] = app.receiver.received.filter((r) => r.path === hook.path);
      expectNoSecrets(request?.body ?? "", wrong, user.password);
    });
  });
});
