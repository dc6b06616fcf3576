import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appCode } from "../../../test/e2e/second-factor-support.js";
import { nthCodeTo, PASSWORD, registerActive, uniqueEmail } from "../../../test/e2e/support.js";
import { SoftwareAuthenticator } from "../../../test/helpers/software-authenticator.js";
import { describeEachStore } from "../../../test/helpers/stores.js";
import { startTestServer, type TestServer } from "../../../test/helpers/test-server.js";
import {
  type AuthEvent,
  type AuthenticationResponseJSON,
  isMfaChallenge,
  LatchkeyError,
  type RegistrationResponseJSON,
} from "../src/index.js";
import { clientOf } from "./support.js";

const RP_ID = "latchkey.test";
const ORIGIN = "https://app.latchkey.test";

/** Every method of the client against a real Latchkey: real HTTP, real SMTP, real database. */
describeEachStore("@latchkey/client", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store,
      env: { WEBAUTHN_RP_ID: RP_ID, WEBAUTHN_ORIGINS: ORIGIN },
    });
  });
  afterAll(() => server?.close());

  it("signs up, verifies with the mailed code, signs in, reads me, lists and revokes sessions, signs out", async () => {
    const client = clientOf(server);
    const events: AuthEvent[] = [];
    client.onAuthStateChange((event) => events.push(event));
    const email = uniqueEmail("client");

    const signedUp = await client.signUp({ email, password: PASSWORD, name: "Ada" });
    expect(signedUp.user).toMatchObject({ email, status: "pending", name: "Ada" });
    expect(client.session).toBeNull();
    const code = await nthCodeTo(server, email, 1);
    const verified = await client.verifyEmail({ userId: signedUp.userId, code });
    expect(verified.user.status).toBe("active");

    const answer = await client.signIn({ email, password: PASSWORD });
    expect(isMfaChallenge(answer)).toBe(false);
    expect(client.session?.user?.email).toBe(email);
    const me = await client.me();
    expect(me).toMatchObject({ user: { email }, aal: "aal1", amr: ["pwd"] });

    // A second device signs in; the first lists both and revokes the other.
    const other = clientOf(server);
    await other.signIn({ email, password: PASSWORD });
    const sessions = await client.sessions.list();
    expect(sessions).toHaveLength(2);
    const theirs = sessions.find((s) => !s.current);
    expect(theirs).toBeDefined();
    await client.sessions.revoke(theirs?.id ?? "");
    await expect(other.me()).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    // Its refresh was refused too: the other client now holds no session.
    expect(other.session).toBeNull();

    await client.signOut();
    expect(client.session).toBeNull();
    expect(events).toEqual(["SIGNED_IN", "SIGNED_OUT"]);
    await expect(client.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("signs in with MFA: the challenge, then verifyMfa with a TOTP code, at aal2", async () => {
    const user = await registerActive(server, "client-mfa");
    const client = clientOf(server);
    await client.signIn({ email: user.email, password: user.password });
    // Enrolment through the client's fetch wrapper: any route, the session's token added.
    const enrol = await client.fetch("/auth/mfa/totp", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(enrol.status).toBe(201);
    const { factorId, secret } = (await enrol.json()) as { factorId: string; secret: string };
    const confirmed = await client.fetch(`/auth/mfa/totp/${factorId}/confirm`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: appCode(server, secret) }),
    });
    expect(confirmed.status).toBe(200);

    const fresh = clientOf(server);
    const challenge = await fresh.signIn({ email: user.email, password: user.password });
    if (!isMfaChallenge(challenge)) throw new Error("expected the MFA challenge");
    expect(challenge.methods).toContain("totp");
    expect(fresh.session).toBeNull();
    await expect(
      fresh.verifyMfa({ mfaToken: challenge.mfaToken, method: "totp", code: "000000" }),
    ).rejects.toMatchObject({ code: "INVALID_CODE", status: 400 });
    server.clock.advance(30); // The confirmation used this time step; a code is good once.
    const session = await fresh.verifyMfa({
      mfaToken: challenge.mfaToken,
      method: "totp",
      code: appCode(server, secret),
    });
    expect(session).toMatchObject({ aal: "aal2", amr: ["pwd", "otp"] });
    expect(await fresh.me()).toMatchObject({ aal: "aal2", user: { mfaEnabled: true } });
  });

  it("forgot and reset password by code: a new session, the old password refused", async () => {
    const user = await registerActive(server, "client-reset");
    const client = clientOf(server);
    await client.forgotPassword({ email: user.email, method: "code" });
    const code = await nthCodeTo(server, user.email, 2);
    const newPassword = "another long passphrase";
    const answer = await client.resetPassword({ email: user.email, code, password: newPassword });
    expect(isMfaChallenge(answer)).toBe(false);
    expect((await client.me()).user.email).toBe(user.email);
    await expect(
      clientOf(server).signIn({ email: user.email, password: user.password }),
    ).rejects.toMatchObject({ code: "INVALID_CREDENTIALS", status: 401 });
    await expect(
      client.resetPassword({ email: user.email, code, password: newPassword }),
    ).rejects.toMatchObject({ code: "INVALID_TOKEN" });
  });

  it("registers a passkey and signs in with it (the server checks a real WebAuthn response)", async () => {
    const user = await registerActive(server, "client-passkey");
    const client = clientOf(server);
    await client.signIn({ email: user.email, password: user.password });
    const device = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const options = await client.passkeys.registrationOptions();
    expect(options.rp.id).toBe(RP_ID);
    const added = await client.passkeys.registerResponse(
      device.register(options) as RegistrationResponseJSON,
      "laptop",
    );
    expect(added.passkey.name).toBe("laptop");

    const fresh = clientOf(server);
    const request = await fresh.passkeys.signInOptions();
    const answer = await fresh.passkeys.signInWithResponse(
      device.assert(request) as AuthenticationResponseJSON,
    );
    expect(answer).toMatchObject({ aal: "aal2", amr: ["passkey"] });
    expect((await fresh.me()).user.email).toBe(user.email);

    // With a passkey the user has MFA: password sign-in asks for it, and a passkey finishes it.
    const third = clientOf(server);
    const challenge = await third.signIn({ email: user.email, password: user.password });
    if (!isMfaChallenge(challenge)) throw new Error("expected the MFA challenge");
    expect(challenge.methods).toContain("passkey");
    const mfaOptions = await third.passkeys.mfaOptions(challenge.mfaToken);
    const done = await third.verifyMfa({
      mfaToken: challenge.mfaToken,
      method: "passkey",
      response: device.assert(mfaOptions),
    });
    expect(done.aal).toBe("aal2");
  });

  describe("typed errors carry the contract's code, status and details", () => {
    it("VALIDATION_FAILED with the field, EMAIL_TAKEN, INVALID_CODE, INVALID_CREDENTIALS", async () => {
      const client = clientOf(server);
      const invalid = await client
        .signUp({ email: "not an email", password: PASSWORD })
        .catch((e) => e);
      expect(invalid).toBeInstanceOf(LatchkeyError);
      expect(invalid).toMatchObject({ code: "VALIDATION_FAILED", status: 400 });
      expect(invalid.details.map((d: { field: string }) => d.field)).toContain("email");
      expect(invalid.requestId).toMatch(/^[0-9a-f-]{36}$/);

      const user = await registerActive(server, "client-errors");
      await expect(client.signUp({ email: user.email, password: PASSWORD })).rejects.toMatchObject({
        code: "EMAIL_TAKEN",
        status: 409,
      });
      await expect(client.verifyEmail({ email: user.email, code: "123456" })).rejects.toMatchObject(
        {
          code: "ALREADY_VERIFIED",
          status: 409,
        },
      );
      const pending = uniqueEmail("client-pending");
      const { userId } = await client.signUp({ email: pending, password: PASSWORD });
      const right = await nthCodeTo(server, pending, 1);
      const wrong = right === "000000" ? "000001" : "000000";
      await expect(client.verifyEmail({ userId, code: wrong })).rejects.toMatchObject({
        code: "INVALID_CODE",
        status: 400,
      });
      await expect(
        client.signIn({ email: pending, password: "wrong password!" }),
      ).rejects.toMatchObject({ code: "INVALID_CREDENTIALS", status: 401 });
      await expect(client.signIn({ email: pending, password: PASSWORD })).rejects.toMatchObject({
        code: "EMAIL_NOT_VERIFIED",
        status: 403,
      });
    });

    it("NOT_SIGNED_IN without a session, NETWORK_ERROR when the server cannot be reached", async () => {
      await expect(clientOf(server).signOut()).rejects.toMatchObject({ code: "NOT_SIGNED_IN" });
      await expect(clientOf(server).me()).rejects.toMatchObject({
        code: "UNAUTHORIZED",
        status: 401,
      });
      const away = clientOf(server, undefined, { baseUrl: "http://127.0.0.1:9" });
      await expect(away.forgotPassword({ email: "a@b.test" })).rejects.toMatchObject({
        code: "NETWORK_ERROR",
        status: 0,
      });
    });
  });
});
