import { afterAll, beforeAll, expect, it } from "vitest";
import { expectError, uniqueEmail } from "../../e2e/support.js";
import { describeEachStore } from "../../helpers/stores.js";
import { CookieJar, type TestOidcProvider } from "../../helpers/test-oidc-provider.js";
import type { TestServer } from "../../helpers/test-server.js";
import {
  APP,
  type AppleWorld,
  account,
  APPLE_KEY_ID as KEY_ID,
  startAppleWorld,
  APPLE_TEAM_ID as TEAM_ID,
} from "./support.js";

/**
 * The Apple preset against the in-process OpenID Provider set to behave like Apple: it
 * answers by form_post (a cross-site POST, which carries no SameSite=Lax cookie) and takes as
 * client secret only an ES256 JWT signed by the team's key (test-oidc-provider.ts checks it).
 */
describeEachStore("sign in with Apple (form_post, minted client secret)", (store) => {
  let world: AppleWorld;
  let server: TestServer;
  let op: TestOidcProvider;

  beforeAll(async () => {
    world = await startAppleWorld(store);
    ({ server, op } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  /** One sign-in at "Apple", the way a browser goes: what the POST answered, where it landed. */
  async function signIn(jar = new CookieJar(), change?: (form: URLSearchParams) => void) {
    const form = await formPostOf(`${server.url}/auth/oauth/apple/authorize`, jar);
    change?.(form.fields);
    // Cross-site POST from Apple's page: a browser sends no SameSite=Lax cookie with it.
    const posted = await fetch(form.action, {
      method: "POST",
      redirect: "manual",
      headers: { origin: op.issuer, "content-type": "application/x-www-form-urlencoded" },
      body: form.fields.toString(),
    });
    const location = posted.headers.get("location") ?? "";
    const landed = await followToApp(new URL(location, form.action), jar);
    return { posted: { status: posted.status, location }, landed: landed.searchParams };
  }

  /** Follows the redirects to the provider's form_post page; answers its form. */
  async function formPostOf(start: string, jar: CookieJar) {
    let url = new URL(start);
    for (let hop = 0; hop < 20; hop++) {
      const response = await fetch(url, { redirect: "manual", headers: { cookie: jar.header() } });
      jar.keep(response);
      const location = response.headers.get("location");
      if (location) {
        url = new URL(location, url);
        continue;
      }
      const html = await response.text();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`${url.href} answered ${response.status}: ${html}`);
      const fields = new URLSearchParams();
      for (const [, name = "", value = ""] of html.matchAll(
        /<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g,
      )) {
        fields.set(name, unescapeHtml(value));
      }
      return { action: unescapeHtml(action), fields };
    }
    throw new Error("too many redirects");
  }

  async function followToApp(start: URL, jar: CookieJar): Promise<URL> {
    let url = start;
    for (let hop = 0; hop < 10 && url.origin !== APP; hop++) {
      const response = await fetch(url, { redirect: "manual", headers: { cookie: jar.header() } });
      jar.keep(response);
      url = new URL(response.headers.get("location") ?? "", url);
    }
    return url;
  }

  it("signs a new user in through the form_post callback, named from Apple's `user` field", async () => {
    const email = uniqueEmail("apple-new");
    op.account = account(email);
    op.appleUser = { name: { firstName: "Ada", lastName: "Lovelace" }, email };
    const first = await signIn();
    expect(first.posted.status).toBe(303);
    // The GET carries only what the callback reads; of `user`, the name, never the email.
    const forwarded = new URL(first.posted.location);
    expect(forwarded.pathname).toBe("/auth/oauth/apple/callback");
    expect([...forwarded.searchParams.keys()].sort()).toEqual(["code", "iss", "state", "user"]);
    expect(forwarded.searchParams.get("user")).not.toContain(email);
    const res = await server.post("/auth/oauth/token", { code: first.landed.get("code") });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user).toMatchObject({ email, name: "Ada Lovelace", emailVerified: true });
    expect(res.body.amr).toEqual(["oauth"]);

    // The name is for a new account only: a later `user` (unsigned) renames no one.
    op.appleUser = { name: { firstName: "Mallory" } };
    const again = await signIn();
    const back = await server.post("/auth/oauth/token", { code: again.landed.get("code") });
    expect(back.status).toBe(200);
    expect(back.body.user).toMatchObject({ id: res.body.user.id, name: "Ada Lovelace" });
    op.appleUser = null;
  });

  it("mints the client secret Apple asks for, keeps it, and makes a new one before it expires", async () => {
    op.appleSecrets.length = 0;
    op.account = account(uniqueEmail("apple-secret"));
    expect((await signIn()).landed.get("code")).toEqual(expect.any(String));
    // Verified by the provider with the team's public key (ES256); here, its claims.
    const [first] = op.appleSecrets;
    expect(first?.header).toEqual({ alg: "ES256", kid: KEY_ID });
    expect(first?.claims).toEqual({
      iss: TEAM_ID,
      sub: op.clientId,
      aud: "https://appleid.apple.com",
      iat: Math.floor(server.clock().getTime() / 1000),
      exp: Math.floor(server.clock().getTime() / 1000) + 3600,
    });

    server.clock.advance(49 * 60);
    await signIn();
    expect(op.appleSecrets[1]?.claims).toEqual(first?.claims);
    // Within ten minutes of its end, a new one.
    server.clock.advance(2 * 60);
    await signIn();
    expect(op.appleSecrets[2]?.claims.iat).toBe(Math.floor(server.clock().getTime() / 1000));
  });

  it("refuses a form_post whose state is not the browser's (INVALID_STATE)", async () => {
    op.account = account(uniqueEmail("apple-csrf"));
    const started = new CookieJar();
    const form = await formPostOf(`${server.url}/auth/oauth/apple/authorize`, started);
    const posted = await fetch(form.action, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.fields.toString(),
    });
    const elsewhere = await followToApp(
      new URL(posted.headers.get("location") ?? "", form.action),
      new CookieJar(),
    );
    expect(elsewhere.searchParams.get("error")).toBe("INVALID_STATE");
    expect(elsewhere.searchParams.get("code")).toBeNull();
    // Another browser (no state cookie) followed the POST's redirect; the one that started
    // the sign-in still finishes it: a mismatch did not use the state up.
    const own = await followToApp(
      new URL(posted.headers.get("location") ?? "", form.action),
      started,
    );
    expect(own.searchParams.get("code")).toEqual(expect.any(String));
    // The right browser with a state that is not its own.
    const forged = await signIn(new CookieJar(), (fields) => fields.set("state", "x".repeat(43)));
    expect(forged.landed.get("error")).toBe("INVALID_STATE");
  });

  it("fails with PROVIDER_ERROR when Apple refuses the client secret (another key id)", async () => {
    op.account = account(uniqueEmail("apple-wrong-key"));
    world.apple.keyId = "OTHERKEY12";
    try {
      expect((await signIn()).landed.get("error")).toBe("PROVIDER_ERROR");
    } finally {
      world.apple.keyId = KEY_ID;
    }
  });

  it("sends a form_post for an unknown provider to the app, and refuses a bad form with 400", async () => {
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    const unknown = await post("/auth/oauth/nosuch/callback", "code=x&state=y");
    expect(unknown.status).toBe(303);
    expect(unknown.headers.get("location")).toBe(`${APP}/?error=PROVIDER_NOT_FOUND`);
    const long = await post("/auth/oauth/apple/callback", `code=${"x".repeat(5000)}`);
    expect(long.status).toBe(400);
    expectError(
      { status: long.status, headers: long.headers, body: await long.json() },
      400,
      "VALIDATION_FAILED",
    );
  });
});

function unescapeHtml(text: string): string {
  return text
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}
