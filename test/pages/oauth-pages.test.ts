import { Secret } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_COOKIE, MFA_COOKIE } from "../../src/http/cookies.js";
import { codeAt } from "../../src/methods/totp/totp.js";
import { call } from "../e2e/admin-support.js";
import { pglite } from "../helpers/stores.js";
import { CookieJar as BrowserJar, followRedirects } from "../helpers/test-oidc-provider.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { account, type OAuthWorld, startOAuthWorld } from "../methods/oauth/support.js";
import {
  CookieJar,
  getPage,
  PASSWORD,
  postForm,
  signInWithPages,
  signUpWithPages,
} from "./support.js";

let sequence = 0;
const email = (tag: string) => `oauth-pages-${tag}-${++sequence}@latchkey.test`;

/** The href of the first link whose text is `text`, as the page wrote it (HTML-decoded). */
function linkTo(html: string, text: string): string {
  const match = new RegExp(`<a[^>]*href="([^"]*)"[^>]*>${text}</a>`).exec(html);
  expect(match, `no link "${text}"`).not.toBeNull();
  return (match?.[1] ?? "").replaceAll("&amp;", "&");
}

describe("the providers on the hosted pages", () => {
  let world: OAuthWorld;
  beforeAll(async () => {
    world = await startOAuthWorld(pglite);
  });
  afterAll(() => world?.close());

  /** A browser from `path` through the provider until it is back on one of our pages. */
  function browse(path: string, jar = new BrowserJar()) {
    const server = world.server.url;
    return followRedirects(
      `${server}${path}`,
      jar,
      (url) =>
        url.origin === server &&
        !url.pathname.startsWith("/auth/") &&
        !url.pathname.startsWith("/sign-in/oauth"),
    );
  }

  it("offers a Continue button per provider on /sign-in and /sign-up", async () => {
    for (const path of ["/sign-in", "/sign-up"]) {
      const page = await getPage(world.server, path);
      expect(page.status).toBe(200);
      expect(linkTo(page.html, "Continue with Trusted IdP")).toBe("/sign-in/oauth/trusted");
      expect(linkTo(page.html, "Continue with idp")).toBe("/sign-in/oauth/idp");
    }
    const spanish = await getPage(world.server, "/sign-in?lang=es");
    expect(linkTo(spanish.html, "Continuar con Trusted IdP")).toBe(
      "/sign-in/oauth/trusted?lang=es",
    );
  });

  it("signs in through the provider and lands on /account with the session cookie", async () => {
    const address = email("new");
    world.op.account = account(address);
    const jar = new BrowserJar();
    const landed = await browse("/sign-in/oauth/idp", jar);
    expect(landed.pathname).toBe("/account");
    expect(jar.cookies.get(ACCESS_COOKIE)).toBeTruthy();
    expect(jar.cookies.has("lk_oauth_pages")).toBe(false);
    const page = await getPage(world.server, "/account", { headers: { cookie: jar.header() } });
    expect(page.status).toBe(200);
    expect(page.html).toContain(address);
    expect(page.html).toContain("Connected accounts");
  });

  it("shows the provider's refusal on /sign-in in the page's language", async () => {
    const address = await signUpWithPages(world.server, email("taken"));
    world.op.account = account(address);
    const landed = await browse("/sign-in/oauth/idp?lang=es");
    expect(landed.pathname).toBe("/sign-in");
    expect(landed.searchParams.get("error")).toBe("ACCOUNT_EXISTS");
    const page = await getPage(world.server, landed.pathname + landed.search);
    expect(page.status).toBe(200);
    expect(page.html).toContain('role="alert"');
    expect(page.html).toContain("Ya existe una cuenta con este correo.");
    // A code the API does not know is not shown.
    const unknown = await getPage(world.server, "/sign-in?error=%3Cscript%3E");
    expect(unknown.html).not.toContain('role="alert"');
  });

  it("exchanges a code only in the browser that pressed the button (login CSRF)", async () => {
    // An API flow whose code is sent to the pages' landing: it arrives in a browser whose
    // button did not start it (another person's code, carried here by a link).
    const redirectTo = `${world.server.url}/sign-in/oauth`;
    world.op.account = account(email("csrf"));
    const jar = new BrowserJar();
    const attacker = await browse(
      `/auth/oauth/idp/authorize?redirectTo=${encodeURIComponent(redirectTo)}`,
      jar,
    );
    expect(attacker.pathname).toBe("/sign-in");
    expect(attacker.searchParams.get("error")).toBe("INVALID_STATE");
    expect(jar.cookies.has(ACCESS_COOKIE)).toBe(false);
  });

  it("lists, connects and removes accounts at providers on /account", async () => {
    const address = await signUpWithPages(world.server, email("link"));
    const pagesJar = await signInWithPages(world.server, address);
    const before = await getPage(world.server, "/account", { jar: pagesJar });
    expect(before.html).toContain("No account at another provider is connected.");
    const connect = linkTo(before.html, "Connect idp");
    expect(connect).toMatch(/^\/auth\/oauth\/idp\/link\?redirectTo=/);

    const jar = new BrowserJar();
    jar.cookies.set(ACCESS_COOKIE, pagesJar.get(ACCESS_COOKIE) ?? "");
    world.op.account = account(`elsewhere-${address}`);
    const landed = await browse(connect, jar);
    expect(landed.pathname).toBe("/account");
    expect(landed.searchParams.get("linked")).toBe("idp");
    const after = await getPage(world.server, landed.pathname + landed.search, { jar: pagesJar });
    expect(after.html).toContain("idp is connected to your account.");
    expect(after.html).toContain(`elsewhere-${address}`);
    expect(after.html).not.toContain(">Connect idp<");
    expect(after.html).toContain("Connect Trusted IdP");

    const id =
      /name="id" value="([^"]+)"[^>]*><button type="submit" class="button secondary small">Remove/.exec(
        after.html,
      )?.[1];
    expect(id).toBeTruthy();
    const removed = await postForm(
      world.server,
      "/account/identities/remove",
      { id: id ?? "" },
      {
        jar: pagesJar,
      },
    );
    expect(removed.status).toBe(303);
    expect(removed.location).toBe("/account?notice=identity-removed");
    const gone = await getPage(world.server, removed.location ?? "", { jar: pagesJar });
    expect(gone.html).toContain("The connected account was removed.");
    expect(gone.html).toContain("No account at another provider is connected.");
  });

  it("refuses to remove the last way in with a clear message, 409", async () => {
    world.op.account = account(email("only"));
    const jar = new BrowserJar();
    await browse("/sign-in/oauth/idp", jar);
    const pagesJar = new CookieJar();
    const headers = new Headers();
    headers.append("set-cookie", `${ACCESS_COOKIE}=${jar.cookies.get(ACCESS_COOKIE)}; Path=/`);
    pagesJar.take(headers);
    const page = await getPage(world.server, "/account", { jar: pagesJar });
    const id =
      /action="\/account\/identities\/remove"><input type="hidden" name="id" value="([^"]+)"/.exec(
        page.html,
      )?.[1];
    expect(id).toBeTruthy();
    const refused = await postForm(
      world.server,
      "/account/identities/remove",
      { id: id ?? "" },
      {
        jar: pagesJar,
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("This is your last way to sign in.");
    expect(refused.html).toContain('role="alert"');
  });

  it("goes on to the second factor's page for a user with an authenticator app", async () => {
    const address = await signUpWithPages(world.server, email("mfa"));
    const login = await world.server.post("/auth/login", { email: address, password: PASSWORD });
    const token = login.body.accessToken as string;
    // Connected first, while the user has one factor.
    const jar = new BrowserJar();
    jar.cookies.set(ACCESS_COOKIE, token);
    const provider = account(`mfa-elsewhere-${address}`);
    world.op.account = provider;
    const linked = await browse(
      `/auth/oauth/idp/link?redirectTo=${encodeURIComponent(`${world.server.url}/account`)}`,
      jar,
    );
    expect(linked.searchParams.get("linked")).toBe("idp");
    const enrol = await call(world.server, "POST", "/auth/mfa/totp", token, {});
    const code = codeAt(Secret.fromBase32(enrol.body.secret).bytes, world.server.clock());
    const confirmed = await call(
      world.server,
      "POST",
      `/auth/mfa/totp/${enrol.body.factorId}/confirm`,
      token,
      { code },
    );
    expect(confirmed.status).toBe(200);

    world.op.account = provider;
    const browser = new BrowserJar();
    const landed = await browse("/sign-in/oauth/idp", browser);
    expect(landed.pathname).toBe("/sign-in/second-factor");
    expect(browser.cookies.get(MFA_COOKIE)).toBeTruthy();
    expect(browser.cookies.has(ACCESS_COOKIE)).toBe(false);
  });

  it("shows a link's refusal on /account in the page's language", async () => {
    const address = await signUpWithPages(world.server, email("notice"));
    const jar = await signInWithPages(world.server, address);
    const page = await getPage(world.server, "/account?error=IDENTITY_TAKEN&lang=de", { jar });
    expect(page.status).toBe(200);
    expect(page.html).toContain("mit einem anderen Benutzer verbunden");
  });
});

describe("the hosted pages without providers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
  });
  afterAll(() => server?.close());

  it("draw no provider buttons and no connected accounts", async () => {
    for (const path of ["/sign-in", "/sign-up"]) {
      expect((await getPage(server, path)).html).not.toContain("Continue with");
    }
    const address = await signUpWithPages(server, email("none"));
    const jar = await signInWithPages(server, address);
    const page = await getPage(server, "/account", { jar });
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("Connected accounts");
    expect((await getPage(server, "/sign-in/oauth/idp")).status).toBe(404);
  });
});
