import { Secret } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_COOKIE } from "../../src/http/cookies.js";
import { codeAt } from "../../src/methods/totp/totp.js";
import { resetWithMailedCode } from "../e2e/support.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  type CookieJar,
  expectAnnouncedErrors,
  getPage,
  heading,
  inputValue,
  NEW_PASSWORD,
  PASSWORD,
  postForm,
  SAME_ORIGIN_FORM,
  signInWithPages,
  signUpWithPages,
} from "./support.js";

let sequence = 0;
const email = (tag: string) => `account-mfa-${tag}-${++sequence}@latchkey.test`;

/** The key as the set-up page shows it, in groups of four, read back without spaces. */
function shownSecret(html: string): string {
  const grouped = /<code class="secret" data-secret>([A-Z2-7 ]+)<\/code>/.exec(html)?.[1] ?? "";
  return grouped.replaceAll(" ", "");
}

function shownCodes(html: string): string[] {
  const list = /<ol class="recovery-codes"[^>]*>(.*?)<\/ol>/s.exec(html)?.[1] ?? "";
  return [...list.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1] ?? "");
}

/** /account's two-step verification section and its forms, without JavaScript. */
describe("the account page's authenticator app and recovery codes", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
  });
  afterAll(() => server?.close());

  const appCode = (secret: string) => codeAt(Secret.fromBase32(secret).bytes, server.clock());

  /** Set up on the page: the set-up page, and the codes page its right code answers. */
  async function setUp(jar: CookieJar) {
    const setup = await postForm(server, "/account/mfa/totp", {}, { jar });
    expect(setup.status, setup.html).toBe(200);
    const secret = shownSecret(setup.html);
    const done = await postForm(
      server,
      "/account/mfa/totp/confirm",
      { factorId: inputValue(setup.html, "factorId") ?? "", code: appCode(secret) },
      { jar },
    );
    return { setup, secret, done };
  }

  it("sets up an app: QR code and key, a wrong code refused, the right one shows 10 codes once, the session goes on at aal2", async () => {
    const address = await signUpWithPages(server, email("setup"));
    const jar = await signInWithPages(server, address);
    const other = await server.post("/auth/login", { email: address, password: PASSWORD });
    const account = await getPage(server, "/account", { jar });
    expect(account.html).toContain("Two-step verification");
    expect(account.html).toContain('action="/account/mfa/totp"');

    const setup = await postForm(server, "/account/mfa/totp", {}, { jar });
    expect(heading(setup.html)).toBe("Set up an authenticator app");
    expect(setup.html).toMatch(/<svg role="img" aria-label="QR code for your authenticator app"/);
    expect(setup.html).toMatch(/data-secret>[A-Z2-7]{4}( [A-Z2-7]{1,4})+<\/code>/);
    const codeField = /<input[^>]*name="code"[^>]*>/.exec(setup.html)?.[0];
    expect(codeField).toContain('autocomplete="one-time-code"');
    expect(codeField).toContain('inputmode="numeric"');
    expect(setup.html).toContain('<label for="f-code">');
    const secret = shownSecret(setup.html);
    const factorId = inputValue(setup.html, "factorId") ?? "";

    const code = appCode(secret);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const refused = await postForm(
      server,
      "/account/mfa/totp/confirm",
      { factorId, code: wrong },
      { jar },
    );
    expect(refused.status).toBe(400);
    expectAnnouncedErrors(refused.html, ["code"]);
    expect(refused.html).toContain("That code is not right.");
    expect(shownSecret(refused.html)).toBe(secret);

    const done = await postForm(server, "/account/mfa/totp/confirm", { factorId, code }, { jar });
    expect(done.status).toBe(200);
    expect(heading(done.html)).toBe("Save your recovery codes");
    expect(done.headers.get("cache-control")).toContain("no-store");
    const codes = shownCodes(done.html);
    expect(codes).toHaveLength(10);
    expect(codes[0]).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    expect(done.html).toContain("data-code-tools hidden");
    // The session was replaced by one at aal2; the other session ended.
    const me = await server.get("/auth/me", { cookie: `accessToken=${jar.get(ACCESS_COOKIE)}` });
    expect(me.status).toBe(200);
    const refreshed = await server.post("/auth/refresh", { refreshToken: other.body.refreshToken });
    expect(refreshed.status).toBe(401);

    // Sent again (a reload): the codes are not shown a second time.
    const again = await postForm(server, "/account/mfa/totp/confirm", { factorId, code }, { jar });
    expect(again.status).toBe(404);
    expect(again.html).toContain("This set-up has expired. Start again.");
    expect(shownCodes(again.html)).toEqual([]);

    const listed = await getPage(server, "/account", { jar });
    expect(listed.status).toBe(200);
    expect(listed.html).toContain("Authenticator app");
    expect(listed.html).toContain("Recovery codes left: 10");
    expect(listed.html).toContain('Remove<span class="visually-hidden"> (Authenticator app)');
  });

  it("regenerates the recovery codes, adds a second app, then removes both", async () => {
    const address = await signUpWithPages(server, email("manage"));
    const jar = await signInWithPages(server, address);
    const { done } = await setUp(jar);
    const first = shownCodes(done.html);

    const fresh = await postForm(server, "/account/mfa/recovery-codes", {}, { jar });
    expect(fresh.status).toBe(200);
    expect(heading(fresh.html)).toBe("Your new recovery codes");
    expect(fresh.html).toContain("The earlier recovery codes no longer work.");
    const second = shownCodes(fresh.html);
    expect(second).toHaveLength(10);
    expect(second).not.toContain(first[0]);

    // A second app: no new codes, back to /account with a notice.
    const { done: added } = await setUp(jar);
    expect(added.status).toBe(303);
    expect(added.location).toBe("/account?notice=mfa-added");
    const account = await getPage(server, added.location ?? "", { jar });
    expect(account.html).toContain("Your authenticator app is set up.");
    const factorIds = [...account.html.matchAll(/name="id" value="([^"]+)"><button[^>]*>Remove/g)];
    expect(factorIds).toHaveLength(2);

    for (const [, id = ""] of factorIds) {
      const removed = await postForm(server, "/account/mfa/factors/remove", { id }, { jar });
      expect(removed.status).toBe(303);
      expect(removed.location).toBe("/account?notice=mfa-removed");
    }
    const after = await getPage(server, "/account?notice=mfa-removed", { jar });
    expect(after.html).toContain("The authenticator app was removed.");
    expect(after.html).toContain("Set up an authenticator app");
    expect(after.html).not.toContain("Recovery codes left");
    const gone = await postForm(
      server,
      "/account/mfa/factors/remove",
      { id: factorIds[0]?.[1] ?? "" },
      { jar },
    );
    expect(gone.status).toBe(404);
    expect(gone.html).toContain("No such second factor.");
    // Signing in asks for the password alone again.
    await signInWithPages(server, address);
  });

  it("an aal1 session of a user with an app is told to step up, not given a 500", async () => {
    const address = await signUpWithPages(server, email("step-up"));
    const jar = await signInWithPages(server, address);
    const { done } = await setUp(jar);
    const [recovery] = shownCodes(done.html);
    const reset = await resetWithMailedCode(server, address, NEW_PASSWORD);
    const session = await server.post("/auth/mfa/verify", {
      mfaToken: reset.body.mfaToken,
      method: "recovery_code",
      code: recovery,
    });
    expect(session.body.aal).toBe("aal1");
    const cookie = `accessToken=${session.body.accessToken}`;
    const headers = { ...SAME_ORIGIN_FORM, cookie };
    for (const path of ["/account/mfa/totp", "/account/mfa/recovery-codes"]) {
      const refused = await postForm(server, path, {}, { headers });
      expect(refused.status, path).toBe(403);
      expect(refused.html).toContain("sign out and sign in again with your authenticator app");
      expect(refused.html).toMatch(/role="alert"/);
    }
    const account = await getPage(server, "/account", { headers: { cookie } });
    const factorId = /name="id" value="([^"]+)"><button[^>]*>Remove/.exec(account.html)?.[1];
    const remove = await postForm(
      server,
      "/account/mfa/factors/remove",
      { id: factorId ?? "" },
      { headers },
    );
    expect(remove.status).toBe(403);
    expect(remove.html).toContain("sign out and sign in again");
  });

  it("speaks Spanish and German, and refuses a form from another site", async () => {
    const address = await signUpWithPages(server, email("lang"));
    const jar = await signInWithPages(server, address);
    const es = await postForm(server, "/account/mfa/totp", { lang: "es" }, { jar });
    expect(heading(es.html)).toBe("Configurar una app de autenticación");
    expect(es.html).toContain('href="/account?lang=de"');
    const de = await getPage(server, "/account?lang=de", { jar });
    expect(de.html).toContain("Bestätigung in zwei Schritten");
    const crossSite = await postForm(
      server,
      "/account/mfa/totp",
      {},
      { jar, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } },
    );
    expect(crossSite.status).toBe(403);
  });
});
