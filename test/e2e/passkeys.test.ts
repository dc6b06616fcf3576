import { afterAll, beforeAll, expect, it } from "vitest";
import { METHOD_PURGES } from "../../src/composition/sign-in-methods.js";
import { purgeExpired } from "../../src/storage/purge.js";
import {
  type AuthenticatorOptions,
  type Overrides,
  SoftwareAuthenticator,
} from "../helpers/software-authenticator.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { call, expectOk, signedInAccount } from "./admin-support.js";
import { appCode, enrolAuthenticator } from "./second-factor-support.js";
import {
  expectError,
  expectOnlyMfaCookie,
  expectTokenBundle,
  signedIn,
  uniqueEmail,
} from "./support.js";

const RP_ID = "latchkey.test";
const ORIGIN = "https://app.latchkey.test";

describeEachStore("passkeys (WebAuthn)", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store,
      env: { WEBAUTHN_RP_ID: RP_ID, WEBAUTHN_ORIGINS: `https://${RP_ID},${ORIGIN}` },
    });
  });
  afterAll(() => server?.close());

  const authenticator = (options: Partial<AuthenticatorOptions> = {}) =>
    new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID, ...options });

  const registrationOptions = (token: string) =>
    call(server, "POST", "/auth/passkeys/register/options", token);

  /** Options, then the authenticator's answer to them: the raw register response. */
  async function addPasskey(
    token: string,
    device: SoftwareAuthenticator,
    name?: string,
    overrides: Overrides = {},
  ) {
    const options = expectOk(await registrationOptions(token));
    return call(server, "POST", "/auth/passkeys/register", token, {
      response: device.register(options, overrides),
      ...(name ? { name } : {}),
    });
  }

  const loginOptions = async (body: object = {}) =>
    expectOk(await server.post("/auth/passkeys/login/options", body));

  async function passkeyLogin(device: SoftwareAuthenticator, overrides: Overrides = {}) {
    const options = await loginOptions();
    return server.post("/auth/passkeys/login", { response: device.assert(options, overrides) });
  }

  /** An active user with one passkey ("laptop") and an aal2 session from signing in with it. */
  async function withPasskey(tag: string, options: Partial<AuthenticatorOptions> = {}) {
    const user = await signedIn(server, tag);
    const device = authenticator(options);
    const added = await addPasskey(user.accessToken, device, "laptop");
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const session = await passkeyLogin(device);
    expectTokenBundle(session);
    return { ...user, device, passkey: added.body.passkey, session: session.body };
  }

  const mailed = (email: string, subject: string) =>
    server.smtp.waitForMail((mail) => mail.to.includes(email) && mail.subject === subject);

  it("registers with creation options fit for a passkey, then signs in without a username at aal2", async () => {
    const user = await signedIn(server, "pk-register");
    const options = expectOk(await registrationOptions(user.accessToken));
    expect(options).toMatchObject({
      rp: { id: RP_ID, name: "Latchkey" },
      user: { name: user.email },
      attestation: "none",
      timeout: 300_000,
      authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
      excludeCredentials: [],
    });
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const algorithms = options.pubKeyCredParams.map((param: { alg: number }) => param.alg);
    expect(algorithms.sort((a: number, b: number) => a - b)).toEqual([-257, -8, -7]);
    // The user handle is random: neither the id nor the email, in any encoding.
    const handle = Buffer.from(options.user.id, "base64url");
    expect(handle).toHaveLength(32);
    expect(handle.toString("utf8")).not.toContain(user.userId);
    expect(handle.toString("utf8")).not.toContain(user.email);

    const device = authenticator();
    const added = await call(server, "POST", "/auth/passkeys/register", user.accessToken, {
      response: device.register(options),
      name: "laptop",
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.passkey).toEqual({
      id: expect.any(String),
      name: "laptop",
      createdAt: expect.any(String),
      lastUsedAt: null,
      backedUp: false,
    });
    await mailed(user.email, "A passkey was added to your Latchkey account");

    const login = await passkeyLogin(device);
    expectTokenBundle(login);
    expect(login.body).toMatchObject({ aal: "aal2", amr: ["passkey"] });
    expect(login.body.user.email).toBe(user.email);
    const me = await call(server, "GET", "/auth/me", login.body.accessToken);
    expect(me.body).toMatchObject({ aal: "aal2", amr: ["passkey"] });

    // A second registration excludes the first, and the same authenticator cannot add it twice.
    const again = expectOk(await registrationOptions(login.body.accessToken));
    expect(again.excludeCredentials).toEqual([
      { id: device.credentialId, type: "public-key", transports: ["internal", "hybrid"] },
    ]);
    expect(again.user.id).toBe(options.user.id);
    expectError(
      await call(server, "POST", "/auth/passkeys/register", login.body.accessToken, {
        response: device.register(again),
      }),
      400,
      "INVALID_PASSKEY",
    );
  });

  it("accepts EdDSA and RS256 passkeys, and refuses an algorithm outside ES256, EdDSA and RS256", async () => {
    for (const algorithm of ["EdDSA", "RS256"] as const) {
      const user = await withPasskey(`pk-${algorithm}`, { algorithm });
      expect(user.session).toMatchObject({ aal: "aal2", amr: ["passkey"] });
    }
    const user = await signedIn(server, "pk-es384");
    expectError(
      await addPasskey(user.accessToken, authenticator({ algorithm: "ES384" })),
      400,
      "INVALID_PASSKEY",
    );
  });

  it("refuses a registration from another origin, for another RP ID, without UP, or on another user's challenge", async () => {
    const user = await signedIn(server, "pk-reg-refused");
    for (const overrides of [
      { origin: "https://evil.test" },
      { rpId: "evil.test" },
      { userPresent: false },
    ]) {
      expectError(
        await addPasskey(user.accessToken, authenticator(), undefined, overrides),
        400,
        "INVALID_PASSKEY",
      );
    }
    // A registration challenge is bound to the user it was made for.
    const other = await signedIn(server, "pk-reg-other");
    const theirs = expectOk(await registrationOptions(other.accessToken));
    expectError(
      await call(server, "POST", "/auth/passkeys/register", user.accessToken, {
        response: authenticator().register(theirs),
      }),
      400,
      "INVALID_PASSKEY",
    );
    expect(
      expectOk(await call(server, "GET", "/auth/passkeys", user.accessToken)).passkeys,
    ).toEqual([]);
  });

  it("refuses a replayed assertion, a stale challenge, another origin, another RP ID and no UP", async () => {
    const { device, userId } = await withPasskey("pk-refused");
    const options = await loginOptions();
    const response = device.assert(options);
    // Sent ten times at once: its challenge answers exactly one.
    const raced = await Promise.all(
      Array.from({ length: 10 }, () => server.post("/auth/passkeys/login", { response })),
    );
    expect(raced.map((res) => res.status).sort()).toEqual([200, ...Array(9).fill(401)]);
    // The very same response again: its challenge is used up.
    expectError(await server.post("/auth/passkeys/login", { response }), 401, "INVALID_PASSKEY");

    const stale = await loginOptions();
    server.clock.advance(5 * 60 + 1);
    expectError(
      await server.post("/auth/passkeys/login", { response: device.assert(stale) }),
      401,
      "INVALID_PASSKEY",
    );
    for (const overrides of [
      { origin: "https://evil.test" },
      { origin: "https://app.latchkey.test.evil.test" },
      { rpId: "evil.test" },
      { userPresent: false },
      { type: "webauthn.create" },
    ]) {
      expectError(await passkeyLogin(device, overrides), 401, "INVALID_PASSKEY");
    }
    // Each was refused by the checks of the response itself, not for want of a challenge.
    const failures = await server.runtime.deps.stores.audit.list({
      type: "passkey.failure",
      limit: 500,
    });
    const reasons = failures
      .filter((event) => event.userId === userId)
      .map((event) => (event.details as { reason?: string } | null)?.reason);
    expect(reasons.filter((reason) => reason === "response")).toHaveLength(5);
    // A challenge that was never issued.
    const forged = { challenge: Buffer.alloc(32, 7).toString("base64url") };
    expectError(
      await server.post("/auth/passkeys/login", { response: device.assert(forged) }),
      401,
      "INVALID_PASSKEY",
    );
    // An unknown credential.
    expectError(await passkeyLogin(authenticator()), 401, "INVALID_PASSKEY");
  });

  it("refuses a counter that goes backwards, and audits it", async () => {
    const { device, userId } = await withPasskey("pk-counter");
    expectTokenBundle(await passkeyLogin(device, { counter: 10 }));
    expectError(await passkeyLogin(device, { counter: 10 }), 401, "INVALID_PASSKEY");
    expectError(await passkeyLogin(device, { counter: 5 }), 401, "INVALID_PASSKEY");
    const events = await server.runtime.deps.stores.audit.list({
      type: "passkey.counter_regressed",
      limit: 500,
    });
    const mine = events.filter((event) => event.userId === userId);
    expect(mine).toHaveLength(2);
    expect(mine.map((event) => event.details)).toContainEqual(
      expect.objectContaining({ stored: 10, presented: 5 }),
    );
    expectTokenBundle(await passkeyLogin(device, { counter: 11 }));
  });

  it("refuses a user handle that is not the credential owner's, with or without one", async () => {
    const mine = await withPasskey("pk-handle-mine");
    const theirs = await withPasskey("pk-handle-theirs");
    const own = mine.device.userHandle;
    mine.device.userHandle = theirs.device.userHandle;
    expectError(await passkeyLogin(mine.device), 401, "INVALID_PASSKEY");
    mine.device.userHandle = Buffer.from("nobody").toString("base64url");
    expectError(await passkeyLogin(mine.device), 401, "INVALID_PASSKEY");
    // No handle at all (a non-discoverable credential): the credential ID alone names it.
    mine.device.userHandle = undefined;
    expectTokenBundle(await passkeyLogin(mine.device));
    mine.device.userHandle = own;
    expectTokenBundle(await passkeyLogin(mine.device));
  });

  it("without UV a passkey is one factor: refused for a passkey-only user, the challenge (TOTP, codes) for one with an app", async () => {
    const { device } = await withPasskey("pk-no-uv");
    // The user has MFA (the passkey), and the passkey again would not make two factors.
    expectError(await passkeyLogin(device, { userVerified: false }), 403, "MFA_REQUIRED");

    // A user with an authenticator app first, then a passkey.
    const user = await signedIn(server, "pk-no-uv-totp");
    const app = await enrolAuthenticator(server, user.accessToken);
    const laptop = authenticator();
    const added = await addPasskey(app.confirmed.accessToken, laptop);
    expect(added.status, JSON.stringify(added.body)).toBe(201);

    const challenged = await passkeyLogin(laptop, { userVerified: false });
    expect(challenged.status).toBe(200);
    expect(challenged.body).toMatchObject({
      mfaRequired: true,
      methods: ["totp", "recovery_code"],
      expiresIn: 300,
    });
    expect(challenged.body.accessToken).toBeUndefined();
    expectOnlyMfaCookie(challenged);
    const done = await server.post("/auth/mfa/verify", {
      mfaToken: challenged.body.mfaToken,
      method: "totp",
      code: appCode(server, app.secret, 1),
    });
    expectTokenBundle(done);
    expect(done.body).toMatchObject({ aal: "aal2", amr: ["passkey", "otp"] });
    // With UV the passkey is enough by itself, TOTP or not.
    expect((await passkeyLogin(laptop)).body).toMatchObject({ aal: "aal2", amr: ["passkey"] });
  });

  it("a passkey as the second factor: password login offers it, the options list the user's own, verify gives aal2", async () => {
    const user = await withPasskey("pk-mfa");
    const login = await server.post("/auth/login", { email: user.email, password: user.password });
    expect(login.body).toMatchObject({ mfaRequired: true, methods: ["passkey"] });
    const { mfaToken } = login.body;

    const options = expectOk(await server.post("/auth/mfa/passkey/options", { mfaToken }));
    expect(options).toMatchObject({ rpId: RP_ID, userVerification: "preferred" });
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([
      user.device.credentialId,
    ]);
    // Another user's passkey cannot answer this user's challenge.
    const stranger = await withPasskey("pk-mfa-stranger");
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken,
        method: "passkey",
        response: stranger.device.assert(options),
      }),
      401,
      "INVALID_PASSKEY",
    );
    // Neither can a sign-in challenge's answer, nor a response of the wrong shape.
    expectError(
      await server.post("/auth/mfa/verify", {
        mfaToken,
        method: "passkey",
        response: user.device.assert(await loginOptions()),
      }),
      401,
      "INVALID_PASSKEY",
    );
    expectError(
      await server.post("/auth/mfa/verify", { mfaToken, method: "passkey", response: { id: 1 } }),
      401,
      "INVALID_PASSKEY",
    );
    const fresh = expectOk(await server.post("/auth/mfa/passkey/options", { mfaToken }));
    const answer = user.device.assert(fresh);
    const done = await server.post("/auth/mfa/verify", {
      mfaToken,
      method: "passkey",
      response: answer,
    });
    expectTokenBundle(done);
    expect(done.body).toMatchObject({ aal: "aal2", amr: ["pwd", "passkey"] });
    // The mfaToken is used up, and its passkey challenge with it.
    expectError(
      await server.post("/auth/mfa/passkey/options", { mfaToken }),
      401,
      "INVALID_MFA_TOKEN",
    );
    expectError(
      await server.post("/auth/mfa/verify", { mfaToken, method: "passkey", response: answer }),
      401,
      "INVALID_MFA_TOKEN",
    );
  });

  it("wrong passkey answers count against the mfaToken (5 kill it), not as guesses per user", async () => {
    const user = await withPasskey("pk-mfa-wrong");
    const login = await server.post("/auth/login", { email: user.email, password: user.password });
    const { mfaToken } = login.body;
    const other = authenticator();
    const refusals = async () => {
      const series = 'latchkey_passkey_refusals_total{ceremony="mfa"} ';
      const text = await server.runtime.metrics.render();
      return Number(
        text
          .split("\n")
          .find((line) => line.startsWith(series))
          ?.slice(series.length),
      );
    };
    const before = await refusals();
    for (let i = 0; i < 5; i++) {
      const options = expectOk(await server.post("/auth/mfa/passkey/options", { mfaToken }));
      expectError(
        await server.post("/auth/mfa/verify", {
          mfaToken,
          method: "passkey",
          response: other.assert(options),
        }),
        401,
        "INVALID_PASSKEY",
      );
    }
    expectError(
      await server.post("/auth/mfa/passkey/options", { mfaToken }),
      401,
      "INVALID_MFA_TOKEN",
    );
    expect(await refusals()).toBe(before + 5);
    // No delay was built up for the user: a new sign-in finishes at once.
    const again = await server.post("/auth/login", { email: user.email, password: user.password });
    const options = expectOk(
      await server.post("/auth/mfa/passkey/options", { mfaToken: again.body.mfaToken }),
    );
    expectTokenBundle(
      await server.post("/auth/mfa/verify", {
        mfaToken: again.body.mfaToken,
        method: "passkey",
        response: user.device.assert(options),
      }),
    );
  });

  it("a passkey-only user may take recovery codes, and finish a password sign-in with one", async () => {
    const user = await withPasskey("pk-codes");
    const codes = await call(server, "POST", "/auth/mfa/recovery-codes", user.session.accessToken);
    expect(codes.status, JSON.stringify(codes.body)).toBe(200);
    const login = await server.post("/auth/login", { email: user.email, password: user.password });
    expect(login.body.methods).toEqual(["passkey", "recovery_code"]);
    const done = await server.post("/auth/mfa/verify", {
      mfaToken: login.body.mfaToken,
      method: "recovery_code",
      code: codes.body.recoveryCodes[0],
    });
    expect(done.body).toMatchObject({ aal: "aal2", amr: ["pwd", "recovery_code"] });
    // Without any factor there is nothing to recover: no codes.
    const plain = await signedIn(server, "pk-codes-none");
    expectError(
      await call(server, "POST", "/auth/mfa/recovery-codes", plain.accessToken),
      404,
      "FACTOR_NOT_FOUND",
    );
  });

  it("an admin's reset of second factors removes passkeys too: the password alone signs in again", async () => {
    const user = await withPasskey("pk-admin-reset");
    const admin = await signedInAccount(server, { role: "admin", tag: "pk-admin" });
    const reset = await call(
      server,
      "DELETE",
      `/admin/users/${user.userId}/mfa`,
      admin.accessToken,
    );
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const login = await server.post("/auth/login", { email: user.email, password: user.password });
    expectTokenBundle(login);
    expect(login.body.user.mfaEnabled).toBe(false);
    const listed = await call(server, "GET", "/auth/passkeys", login.body.accessToken);
    expect(listed.body.passkeys).toEqual([]);
    // The passkey no longer signs in either.
    expectError(await passkeyLogin(user.device), 401, "INVALID_PASSKEY");
  });

  it("a user with an app and a passkey is offered all three, in the contract's order", async () => {
    const user = await signedIn(server, "pk-mfa-all");
    const app = await enrolAuthenticator(server, user.accessToken);
    expect((await addPasskey(app.confirmed.accessToken, authenticator())).status).toBe(201);
    const login = await server.post("/auth/login", { email: user.email, password: user.password });
    expect(login.body.methods).toEqual(["totp", "passkey", "recovery_code"]);
  });

  it("answers sign-in options of one shape for a known email, an unknown one and none", async () => {
    const { email } = await withPasskey("pk-options");
    const known = await loginOptions({ email });
    const unknown = await loginOptions({ email: uniqueEmail("pk-nobody") });
    const none = await loginOptions();
    const shape = (body: Record<string, unknown>) => Object.keys(body).sort();
    expect(shape(known)).toEqual(shape(unknown));
    expect(shape(known)).toEqual(shape(none));
    expect(known.allowCredentials).toBeUndefined();
    expect(known).toMatchObject({ rpId: RP_ID, userVerification: "preferred", timeout: 300_000 });
    expect(known.challenge).not.toBe(unknown.challenge);
  });

  it("a user with a passkey has MFA: an aal1 session must step up to manage passkeys", async () => {
    // A session from before the passkey was added stays aal1.
    const before = await signedIn(server, "pk-step-up");
    const device = authenticator();
    const added = await addPasskey(before.accessToken, device, "laptop");
    expect(added.status).toBe(201);
    const me = await call(server, "GET", "/auth/me", before.accessToken);
    expect(me.body).toMatchObject({ aal: "aal1", user: { mfaEnabled: true } });
    const aal1 = { accessToken: before.accessToken };
    const user = { passkey: added.body.passkey, session: (await passkeyLogin(device)).body };
    expectError(await registrationOptions(aal1.accessToken), 403, "MFA_REQUIRED");
    expectError(
      await call(server, "POST", "/auth/passkeys/register", aal1.accessToken, {
        response: authenticator().register(
          expectOk(await registrationOptions(user.session.accessToken)),
        ),
      }),
      403,
      "MFA_REQUIRED",
    );
    const path = `/auth/passkeys/${user.passkey.id}`;
    expectError(
      await call(server, "PATCH", path, aal1.accessToken, { name: "x" }),
      403,
      "MFA_REQUIRED",
    );
    expectError(await call(server, "DELETE", path, aal1.accessToken), 403, "MFA_REQUIRED");
    // Other MFA-guarded routes see the passkey too.
    expectError(
      await call(server, "POST", "/auth/mfa/totp", aal1.accessToken, {}),
      403,
      "MFA_REQUIRED",
    );
  });

  it("lists, renames and removes the user's own passkeys; another user's is not found", async () => {
    const user = await withPasskey("pk-manage");
    const token = user.session.accessToken;
    const listed = expectOk(await call(server, "GET", "/auth/passkeys", token)).passkeys;
    expect(listed).toEqual([{ ...user.passkey, lastUsedAt: expect.any(String) }]);
    const path = `/auth/passkeys/${user.passkey.id}`;
    const renamed = expectOk(await call(server, "PATCH", path, token, { name: "work laptop" }));
    expect(renamed.passkey).toMatchObject({ id: user.passkey.id, name: "work laptop" });

    const other = await withPasskey("pk-manage-other");
    const theirs = other.session.accessToken;
    expectError(await call(server, "PATCH", path, theirs, { name: "mine" }), 404, "NOT_FOUND");
    expectError(await call(server, "DELETE", path, theirs), 404, "NOT_FOUND");
    expectError(await call(server, "DELETE", "/auth/passkeys/not-a-uuid", token), 404, "NOT_FOUND");

    expectOk(await call(server, "DELETE", path, token));
    await mailed(user.email, "A passkey was removed from your Latchkey account");
    expect(expectOk(await call(server, "GET", "/auth/passkeys", token)).passkeys).toEqual([]);
    expectError(await call(server, "DELETE", path, token), 404, "NOT_FOUND");
    expectError(await passkeyLogin(user.device), 401, "INVALID_PASSKEY");
    // The other user's passkey is untouched.
    expectTokenBundle(await passkeyLogin(other.device));
  });

  it("tells a blocked account so only after its passkey is proven", async () => {
    const { device, userId } = await withPasskey("pk-blocked");
    await server.runtime.deps.stores.users.update(userId, { status: "blocked" }, server.clock());
    expectError(await passkeyLogin(authenticator()), 401, "INVALID_PASSKEY");
    expectError(await passkeyLogin(device), 403, "ACCOUNT_BLOCKED");
  });

  it("purges expired challenges with the method's purge", async () => {
    await loginOptions();
    server.clock.advance(5 * 60 + 1);
    const report = await purgeExpired(server.runtime.deps.stores, server.clock(), {
      methods: METHOD_PURGES,
    });
    expect(report.methods?.["expired passkey challenges"]).toBeGreaterThanOrEqual(1);
  });
});
