import { Secret } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_COOKIE } from "../../src/http/cookies.js";
import { codeAt } from "../../src/methods/totp/totp.js";
import { MFA_COOKIE } from "../../src/pages/respond.js";
import { call } from "../e2e/admin-support.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { CookieJar, getPage, heading, PASSWORD, postForm, signUpWithPages } from "./support.js";

/** The sign-in's second step on the hosted pages, as a browser without script goes through it. */
describe("hosted pages: the second factor", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
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

  it("without a pending sign-in the code page sends you to sign in", async () => {
    const page = await getPage(server, "/sign-in/second-factor");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/sign-in");
  });
});
