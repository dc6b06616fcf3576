import { Secret } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_COOKIE } from "../../src/http/cookies.js";
import { codeAt } from "../../src/methods/totp/totp.js";
import { MFA_COOKIE } from "../../src/pages/respond.js";
import { call, expectOk } from "../e2e/admin-support.js";
import { enrolAuthenticator } from "../e2e/second-factor-support.js";
import { SoftwareAuthenticator } from "../helpers/software-authenticator.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { CookieJar, getPage, heading, PASSWORD, postForm, signUpWithPages } from "./support.js";

const RP_ID = "latchkey.test";
const ORIGIN = "https://latchkey.test";

/** The sign-in's second step on the hosted pages, as a browser without script goes through it. */
describe("hosted pages: the second factor", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { WEBAUTHN_RP_ID: RP_ID, WEBAUTHN_ORIGINS: ORIGIN },
    });
  });
  afterAll(() => server?.close());

  const appCode = (secret: string) => codeAt(Secret.fromBase32(secret).bytes, server.clock());

  /** Signed up on the pages, an authenticator added through the API; answers its secret. */
  async function withAuthenticator(address: string) {
    await signUpWithPages(server, address);
    const login = await server.post("/auth/login", { email: address, password: PASSWORD });
    const enrol = await call(server, "POST", "/auth/mfa/totp", login.body.accessToken, {});
    const confirmed = await call(
      server,
      "POST",
      `/auth/mfa/totp/${enrol.body.factorId}/confirm`,
      login.body.accessToken,
      { code: appCode(enrol.body.secret) },
    );
    expect(confirmed.status).toBe(200);
    return {
      secret: enrol.body.secret as string,
      recoveryCodes: confirmed.body.recoveryCodes as string[],
    };
  }

  it("sign-in goes on to the code page with only the mfaToken's cookie; a wrong code stays there, the right one signs in", async () => {
    const address = "pages-mfa@latchkey.test";
    const { secret } = await withAuthenticator(address);
    const jar = new CookieJar();
    const first = await postForm(
      server,
      "/sign-in",
      { email: address, password: PASSWORD },
      { jar },
    );
    expect(first.status).toBe(303);
    expect(first.location).toBe("/sign-in/second-factor");
    expect(jar.get(MFA_COOKIE)).toBeTruthy();
    expect(jar.get(ACCESS_COOKIE)).toBeUndefined();
    const cookie = first.headers.getSetCookie().find((line) => line.startsWith(`${MFA_COOKIE}=`));
    expect(cookie).toMatch(/Path=\/sign-in\/second-factor/);
    expect(cookie).toMatch(/HttpOnly/);

    const page = await getPage(server, "/sign-in/second-factor", { jar });
    expect(page.status).toBe(200);
    expect(heading(page.html)).toBe("Confirm it is you");

    server.clock.advance(30);
    const code = appCode(secret);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const refused = await postForm(
      server,
      "/sign-in/second-factor",
      { method: "totp", code: wrong },
      { jar },
    );
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("That code is not right.");
    expect(jar.get(ACCESS_COOKIE)).toBeUndefined();

    const done = await postForm(
      server,
      "/sign-in/second-factor",
      { method: "totp", code },
      { jar },
    );
    expect(done.status).toBe(303);
    expect(done.location).toBe("/account");
    expect(jar.get(ACCESS_COOKIE)).toBeTruthy();
    expect(jar.get(MFA_COOKIE)).toBeUndefined();
    expect((await getPage(server, "/account", { jar })).status).toBe(200);
  });

  it("a recovery code works from its own form", async () => {
    const address = "pages-mfa-recovery@latchkey.test";
    const { recoveryCodes } = await withAuthenticator(address);
    const jar = new CookieJar();
    await postForm(server, "/sign-in", { email: address, password: PASSWORD }, { jar });
    const page = await getPage(server, "/sign-in/second-factor?method=recovery_code", { jar });
    expect(page.html).toContain("Enter one of your recovery codes.");
    const done = await postForm(
      server,
      "/sign-in/second-factor",
      { method: "recovery_code", code: recoveryCodes[0] ?? "" },
      { jar },
    );
    expect(done.location).toBe("/account");
    expect(jar.get(ACCESS_COOKIE)).toBeTruthy();
  });

  /** Signed up on the pages, a passkey added through the API: the authenticator that holds it. */
  async function withPasskey(address: string) {
    await signUpWithPages(server, address);
    const login = await server.post("/auth/login", { email: address, password: PASSWORD });
    const token = login.body.accessToken;
    const device = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const options = expectOk(await call(server, "POST", "/auth/passkeys/register/options", token));
    const added = await call(server, "POST", "/auth/passkeys/register", token, {
      response: device.register(options),
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    return device;
  }

  /** What the page's script does: options from the page's own route, then the passkey's answer. */
  async function passkeyAnswer(jar: CookieJar, device: SoftwareAuthenticator) {
    const res = await postForm(server, "/sign-in/second-factor/passkey-options", {}, { jar });
    expect(res.status, res.html).toBe(200);
    return JSON.stringify(device.assert(JSON.parse(res.html)));
  }

  it("a passkey-only user gets the passkey form; the page's options route and the form finish the sign-in", async () => {
    const address = "pages-mfa-passkey@latchkey.test";
    const device = await withPasskey(address);
    const jar = new CookieJar();
    const first = await postForm(
      server,
      "/sign-in",
      { email: address, password: PASSWORD },
      { jar },
    );
    expect(first.location).toBe("/sign-in/second-factor");

    const page = await getPage(server, "/sign-in/second-factor", { jar });
    expect(page.html).toContain("Use your passkey to confirm it is you.");
    expect(page.html).toContain('data-passkey-mfa="/sign-in/second-factor/passkey-options"');
    expect(page.html).not.toContain('name="code"');
    // Nothing else offered: no app, no recovery codes.
    expect(page.html).not.toContain("method=totp");
    expect(page.html).not.toContain("method=recovery_code");

    // Another authenticator's answer is refused on the page, in its words.
    const stranger = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const refused = await postForm(
      server,
      "/sign-in/second-factor",
      { method: "passkey", response: await passkeyAnswer(jar, stranger) },
      { jar },
    );
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("That passkey is not one of this account&#39;s.");
    // So is a form sent without the script's answer.
    const empty = await postForm(server, "/sign-in/second-factor", { method: "passkey" }, { jar });
    expect(empty.status).toBe(401);

    const done = await postForm(
      server,
      "/sign-in/second-factor",
      { method: "passkey", response: await passkeyAnswer(jar, device) },
      { jar },
    );
    expect(done.status, done.html).toBe(303);
    expect(done.location).toBe("/account");
    expect(jar.get(ACCESS_COOKIE)).toBeTruthy();
    expect(jar.get(MFA_COOKIE)).toBeUndefined();
    const me = await server.get("/auth/me", { authorization: `Bearer ${jar.get(ACCESS_COOKIE)}` });
    expect(me.body).toMatchObject({ aal: "aal2", amr: ["pwd", "passkey"] });
  });

  it("a user with an app and a passkey starts with the app and is offered the others", async () => {
    const address = "pages-mfa-both@latchkey.test";
    const device = await withPasskey(address);
    const options = expectOk(await server.post("/auth/passkeys/login/options", {}));
    const aal2 = await server.post("/auth/passkeys/login", { response: device.assert(options) });
    const { confirmed } = await enrolAuthenticator(server, aal2.body.accessToken);
    // The app was not the first factor, so it came without recovery codes: asked for here.
    expect(confirmed.recoveryCodes).toBeUndefined();
    const codes = await call(server, "POST", "/auth/mfa/recovery-codes", confirmed.accessToken);
    expect(codes.body.recoveryCodes).toHaveLength(10);
    const jar = new CookieJar();
    await postForm(server, "/sign-in", { email: address, password: PASSWORD }, { jar });
    const page = await getPage(server, "/sign-in/second-factor", { jar });
    expect(page.html).toContain('name="code"');
    expect(page.html).toContain("method=passkey");
    expect(page.html).toContain("method=recovery_code");
    const passkeyPage = await getPage(server, "/sign-in/second-factor?method=passkey", { jar });
    expect(passkeyPage.html).toContain("data-passkey-mfa=");
    expect(passkeyPage.html).toContain("method=totp");
  });

  it("without a pending sign-in the code page sends you to sign in", async () => {
    const page = await getPage(server, "/sign-in/second-factor");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/sign-in");
  });
});
