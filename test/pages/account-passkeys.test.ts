import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_COOKIE, MFA_COOKIE } from "../../src/http/cookies.js";
import { SoftwareAuthenticator } from "../helpers/software-authenticator.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  CookieJar,
  getPage,
  postForm,
  SAME_ORIGIN_FORM,
  signInWithPages,
  signUpWithPages,
} from "./support.js";

const RP_ID = "latchkey.test";
const ORIGIN = "https://app.latchkey.test";
/** What the browser sends with the page script's fetch() to its own origin. */
const SAME_ORIGIN_FETCH = { "sec-fetch-site": "same-origin" } as const;

interface CreationOptions {
  challenge: string;
  user: { id: string };
}
interface RequestOptions {
  challenge: string;
}

let sequence = 0;
const email = (tag: string) => `account-passkeys-${tag}-${++sequence}@latchkey.test`;

/** The passkeys' section of /account and its forms; the script's calls as it makes them. */
describe("the account page's passkeys", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { WEBAUTHN_RP_ID: RP_ID, WEBAUTHN_ORIGINS: ORIGIN },
    });
  });
  afterAll(() => server?.close());

  /** A JSON POST with the jar's cookies, as the page's script sends it. */
  async function postJson<T = Record<string, unknown>>(
    path: string,
    body: unknown,
    jar: CookieJar,
    headers: Record<string, string> = SAME_ORIGIN_FETCH,
  ) {
    const response = await fetch(server.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: jar.header(), ...headers },
      body: JSON.stringify(body),
      redirect: "manual",
    });
    jar.take(response.headers);
    const text = await response.text();
    // A refusal by the pages' same-origin rule is an error page, not JSON.
    const answer = (text.startsWith("{") ? JSON.parse(text) : { html: text }) as T;
    return { status: response.status, body: answer };
  }

  /** Adds a passkey the way the script does: the API's two calls, with the session cookie. */
  async function addPasskey(jar: CookieJar, device: SoftwareAuthenticator, name?: string) {
    const options = await postJson<CreationOptions>("/auth/passkeys/register/options", {}, jar);
    expect(options.status, JSON.stringify(options.body)).toBe(200);
    const response = device.register(options.body);
    const added = await postJson(
      "/auth/passkeys/register",
      { response, ...(name && { name }) },
      jar,
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    return (added.body as { passkey: { id: string } }).passkey;
  }

  /** The sign-in page's passkey button: options, then the page's own route. */
  async function passkeySignIn(device: SoftwareAuthenticator, jar = new CookieJar(), path = "") {
    const options = await postJson<RequestOptions>("/auth/passkeys/login/options", {}, jar);
    const response = device.assert(options.body);
    return { jar, ...(await postJson(`/sign-in/passkey${path}`, { response }, jar)) };
  }

  const device = (userVerified = true) =>
    new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID, userVerified });

  it("the sign-in page offers a passkey: autofill on the email field, a button the script shows", async () => {
    const { html } = await getPage(server, "/sign-in");
    expect(/<input[^>]*name="email"[^>]*>/.exec(html)?.[0]).toContain(
      'autocomplete="username webauthn"',
    );
    expect(html).toMatch(
      /<div class="passkey-sign-in" data-passkey-sign-in="\/sign-in\/passkey"[^>]* hidden/,
    );
    expect(html).toContain(
      '<button type="button" class="button secondary">Sign in with a passkey</button>',
    );
    expect(html).toContain('aria-live="polite" data-passkey-status');
    const spanish = await getPage(server, "/sign-in?lang=es");
    expect(spanish.html).toContain("Iniciar sesión con una llave de acceso");
    expect(spanish.html).toContain('data-passkey-sign-in="/sign-in/passkey?lang=es"');
  });

  it("lists none, then the added passkey with its name, dates and whether it is synced; the add form is the script's", async () => {
    const address = await signUpWithPages(server, email("list"));
    const jar = await signInWithPages(server, address);
    const before = await getPage(server, "/account", { jar });
    expect(before.html).toContain('<h2 id="passkeys-title">Passkeys</h2>');
    expect(before.html).toContain("instead of a password");
    expect(before.html).toMatch(
      /<form class="passkey-add" data-passkey-add="\/account\?notice=passkey-added" hidden/,
    );

    const phone = new SoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID, backedUp: true });
    await addPasskey(jar, phone, "Phone");
    // The first passkey gave the user MFA: the second is added from a session it started.
    server.clock.advance(60);
    const { jar: aal2 } = await passkeySignIn(phone);
    await addPasskey(aal2, device());
    const after = await getPage(server, "/account?notice=passkey-added", { jar: aal2 });
    expect(after.html).toContain("Passkey added.");
    const items = [...after.html.matchAll(/<li class="session passkey">(.*?)<\/li>/gs)].map(
      (m) => m[1] ?? "",
    );
    expect(items).toHaveLength(2);
    expect(items[0]).toContain("<strong>Phone</strong>");
    expect(items[0]).toContain("Synced");
    expect(items[0]).toMatch(/Last used <time datetime="[^"]+">/);
    expect(items[0]).toMatch(/Added <time datetime="[^"]+">/);
    // Unnamed: called "Passkey"; kept on the one authenticator that made it.
    expect(items[1]).toContain("<strong>Passkey</strong>");
    expect(items[1]).toContain("On one device");
    expect(items[1]).toContain("Not used yet");
    expect(items[1]).toContain('action="/account/passkeys/rename"');
    expect(items[1]).toContain('action="/account/passkeys/remove"');
    expect(items[1]).toContain('>Remove<span class="visually-hidden"> (Passkey)</span></button>');

    const german = await getPage(server, "/account?lang=de", { jar: aal2 });
    expect(german.html).toContain("Synchronisiert");
    expect(german.html).toContain("Passkey hinzufügen");
  });

  it("an aal1 session of a user with a passkey is asked to step up before renaming or removing one", async () => {
    const address = await signUpWithPages(server, email("step-up"));
    const jar = await signInWithPages(server, address);
    const passkey = await addPasskey(jar, device(), "Laptop");
    for (const path of ["/account/passkeys/rename", "/account/passkeys/remove"]) {
      const refused = await postForm(server, path, { id: passkey.id, name: "New" }, { jar });
      expect(refused.status, path).toBe(403);
      expect(refused.html).toContain(
        "To change your passkeys, sign out and sign in again with a passkey or your authenticator app.",
      );
      expect(refused.html).toContain("<strong>Laptop</strong>");
    }
    // The script's own call says the same, and the script shows the step-up words.
    const options = await postJson<{ code: string }>("/auth/passkeys/register/options", {}, jar);
    expect(options.status).toBe(403);
    expect(options.body.code).toBe("MFA_REQUIRED");
  });

  it("signs in with a passkey that verified the user at aal2, then renames and removes it", async () => {
    const address = await signUpWithPages(server, email("manage"));
    const laptop = device();
    const passkey = await addPasskey(await signInWithPages(server, address), laptop, "Laptop");

    const signedIn = await passkeySignIn(laptop);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({ location: "/account" });
    const { jar } = signedIn;
    expect(jar.get(ACCESS_COOKIE)).toBeDefined();
    const me = await server.get("/auth/me", { authorization: `Bearer ${jar.get(ACCESS_COOKIE)}` });
    expect(me.body).toMatchObject({ aal: "aal2", amr: ["passkey"] });
    expect((await getPage(server, "/account", { jar })).html).toMatch(/Last used <time/);

    const renamed = await postForm(
      server,
      "/account/passkeys/rename",
      { id: passkey.id, name: "  Work laptop " },
      { jar },
    );
    expect(renamed.status, renamed.html).toBe(303);
    expect(renamed.location).toBe("/account?notice=passkey-renamed");
    const account = await getPage(server, "/account?notice=passkey-renamed", { jar });
    expect(account.html).toContain("Passkey renamed.");
    expect(account.html).toContain("<strong>Work laptop</strong>");

    const cleared = await postForm(
      server,
      "/account/passkeys/rename",
      { id: passkey.id, name: "", lang: "es" },
      { jar },
    );
    expect(cleared.location).toBe("/account?notice=passkey-renamed&lang=es");
    expect((await getPage(server, "/account", { jar })).html).toContain("<strong>Passkey</strong>");

    const tooLong = await postForm(
      server,
      "/account/passkeys/rename",
      { id: passkey.id, name: "x".repeat(101) },
      { jar },
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toContain("at most 100 characters");

    const removed = await postForm(server, "/account/passkeys/remove", { id: passkey.id }, { jar });
    expect(removed.location).toBe("/account?notice=passkey-removed");
    const empty = await getPage(server, "/account?notice=passkey-removed", { jar });
    expect(empty.html).toContain("Passkey removed.");
    expect(empty.html).not.toContain('<li class="session passkey">');
    await server.smtp.waitForMail(
      (m) => m.to.includes(address) && m.subject.startsWith("A passkey was removed"),
    );
  });

  it("another user's passkey, or one already gone, is not found", async () => {
    const owner = await signUpWithPages(server, email("owner"));
    const ownerKey = device();
    const theirs = await addPasskey(await signInWithPages(server, owner), ownerKey, "Theirs");
    const address = await signUpWithPages(server, email("other"));
    const jar = await signInWithPages(server, address);
    for (const id of [theirs.id, "no-such-passkey"]) {
      for (const path of ["/account/passkeys/rename", "/account/passkeys/remove"]) {
        const page = await postForm(server, path, { id, name: "Mine now" }, { jar });
        expect(page.status, `${path} ${id}`).toBe(404);
        expect(page.html).toContain("That passkey no longer exists.");
      }
    }
    const ownerPage = await getPage(server, "/account", {
      jar: (await passkeySignIn(ownerKey)).jar,
    });
    expect(ownerPage.html).toContain("<strong>Theirs</strong>");
  });

  it("refuses another site's forms and calls: rename, remove, adding with the cookie, a passkey sign-in", async () => {
    const address = await signUpWithPages(server, email("cross-site"));
    const jar = await signInWithPages(server, address);
    const passkey = await addPasskey(jar, device(), "Laptop");
    const evil = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
    for (const path of ["/account/passkeys/rename", "/account/passkeys/remove"]) {
      const page = await postForm(
        server,
        path,
        { id: passkey.id, name: "x" },
        { jar, headers: evil },
      );
      expect(page.status, path).toBe(403);
    }
    expect((await postJson("/auth/passkeys/register/options", {}, jar, evil)).status).toBe(403);
    const options = await postJson<RequestOptions>(
      "/auth/passkeys/login/options",
      {},
      new CookieJar(),
    );
    const response = device().assert(options.body);
    const signIn = await postJson("/sign-in/passkey", { response }, new CookieJar(), evil);
    expect(signIn.status).toBe(403);
    // The forms from our own pages still go through.
    const own = await postForm(
      server,
      "/account/passkeys/rename",
      { id: passkey.id, name: "x" },
      { jar, headers: SAME_ORIGIN_FORM },
    );
    expect(own.status).toBe(403); // aal1: step up first, but not refused as cross-site
    expect(own.html).toContain("sign in again with a passkey");
  });

  it("a refused passkey sign-in answers the page's words; without UV the passkey is one factor: refused for a passkey-only user", async () => {
    const stranger = await passkeySignIn(device(), new CookieJar(), "?lang=es");
    expect(stranger.status).toBe(401);
    expect(stranger.body).toEqual({
      code: "INVALID_PASSKEY",
      message: "No se pudo verificar esa llave de acceso. Inténtalo de nuevo.",
    });
    expect(stranger.jar.get(ACCESS_COOKIE)).toBeUndefined();

    const address = await signUpWithPages(server, email("no-uv"));
    const key = device(false);
    await addPasskey(await signInWithPages(server, address), key, "Key");
    const oneFactor = await passkeySignIn(key);
    expect(oneFactor.status).toBe(403);
    expect(oneFactor.body).toEqual({
      code: "MFA_REQUIRED",
      message:
        "This passkey did not check that it is you (no PIN or fingerprint), and your account needs two steps: sign in with your password, then use the passkey.",
    });
    expect(oneFactor.jar.get(MFA_COOKIE)).toBeUndefined();
    expect(oneFactor.jar.get(ACCESS_COOKIE)).toBeUndefined();
  });
});
