/**
 * `npm run screenshots`: every hosted page at phone and desktop width, written to
 * docs/screenshots/ for the README, and the weight of each page with its assets.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Secret } from "otpauth";
import type { Browser, Page } from "playwright-core";
import { codeAt } from "../../src/methods/totp/totp.js";
import { extractCode, extractLink } from "../helpers/smtp-capture.js";
import { SoftwareAuthenticator } from "../helpers/software-authenticator.js";
import { pglite } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import { CHROMIUM, hasChromium, launchChromium, startPagesServer, submit } from "./support.js";

const OUT = join(import.meta.dirname, "../../docs/screenshots");
const PASSWORD = "correct horse battery staple";
const EMAIL = "ada@example.com";

const VIEWPORTS = {
  phone: {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent:
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
  },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
} as const;

/** Each scene puts a page into the state worth showing. */
interface Scene {
  name: string;
  show(page: Page, server: TestServer, links: Links): Promise<void>;
}

interface Links {
  verify: string;
  reset: string;
}

const SCENES: Scene[] = [
  { name: "sign-in", show: (page, s) => go(page, `${s.url}/sign-in`) },
  {
    name: "sign-in-error",
    async show(page, s) {
      await go(page, `${s.url}/sign-in`);
      await page.getByLabel("Email address").fill(EMAIL);
      await page.getByLabel("Password", { exact: true }).fill("not my password");
      await submit(page, "Sign in");
    },
  },
  { name: "sign-up", show: (page, s) => go(page, `${s.url}/sign-up`) },
  { name: "verify-email", show: (page, _s, links) => go(page, links.verify) },
  { name: "verify-email-es", show: (page, _s, links) => go(page, `${links.verify}&lang=es`) },
  { name: "forgot-password", show: (page, s) => go(page, `${s.url}/password/forgot`) },
  {
    name: "check-email",
    async show(page, s) {
      await go(page, `${s.url}/password/forgot`);
      // Not EMAIL: a new link for it would replace the one the next scene opens.
      await page.getByLabel("Email address").fill("grace@example.com");
      await submit(page, "Send reset link");
    },
  },
  { name: "reset-password", show: (page, _s, links) => go(page, links.reset) },
  {
    name: "reset-link-expired",
    show: (page, s) => go(page, `${s.url}/password/reset/used-or-expired`),
  },
  {
    name: "account",
    async show(page, s) {
      await go(page, `${s.url}/sign-in`);
      await page.getByLabel("Email address").fill(EMAIL);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await submit(page, "Sign in");
    },
  },
  {
    name: "account-mfa-setup",
    async show(page, s) {
      await signIn(page, s, await verifiedUser(s));
      await submit(page, "Set up an authenticator app");
    },
  },
  {
    name: "account-recovery-codes",
    async show(page, s) {
      await signIn(page, s, await verifiedUser(s));
      await setUpAuthenticator(page, s);
    },
  },
  {
    name: "account-mfa",
    async show(page, s) {
      await signIn(page, s, await verifiedUser(s));
      await setUpAuthenticator(page, s);
      await page.getByRole("link", { name: "I have saved them" }).click();
      await page.waitForURL(`${s.url}/account`);
    },
  },
  {
    name: "account-passkeys",
    async show(page, s) {
      const accessToken = await withPasskeys(s, await verifiedUser(s));
      await page.context().addCookies([{ name: "accessToken", value: accessToken, url: s.url }]);
      await go(page, `${s.url}/account?notice=passkey-added`);
    },
  },
  {
    name: "second-factor",
    async show(page, s) {
      const email = await verifiedUser(s);
      await enrolThroughApi(s, email);
      await signIn(page, s, email);
    },
  },
];

const appCode = (secret: string, server: TestServer) =>
  codeAt(Secret.fromBase32(secret).bytes, server.clock());

let users = 0;
/** A new verified user for a scene that changes its account (each scene runs per width). */
async function verifiedUser(server: TestServer): Promise<string> {
  const email = `mfa-${++users}@example.com`;
  const registered = await server.post("/auth/register", { email, password: PASSWORD });
  const code = extractCode(await server.smtp.waitForMail((m) => m.to.includes(email)));
  await server.post("/auth/verify-email", { userId: registered.body.userId, code });
  return email;
}

async function signIn(page: Page, server: TestServer, email: string): Promise<void> {
  await go(page, `${server.url}/sign-in`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await submit(page, "Sign in");
}

/** From /account: set up, typing the key shown on the page; ends on the recovery codes. */
async function setUpAuthenticator(page: Page, server: TestServer): Promise<void> {
  await submit(page, "Set up an authenticator app");
  const secret = ((await page.locator("code.secret").textContent()) ?? "").replace(/\s/g, "");
  await page.getByLabel("6-digit code").fill(appCode(secret, server));
  await submit(page, "Confirm");
}

async function enrolThroughApi(server: TestServer, email: string): Promise<void> {
  const login = await server.post("/auth/login", { email, password: PASSWORD });
  const bearer = { authorization: `Bearer ${login.body.accessToken}` };
  const enrol = await server.post("/auth/mfa/totp", {}, bearer);
  const code = appCode(enrol.body.secret, server);
  await server.post(`/auth/mfa/totp/${enrol.body.factorId}/confirm`, { code }, bearer);
}

/**
 * Two passkeys added through the API by a software authenticator (the server's RP ID is its
 * own 127.0.0.1, which Chromium's WebAuthn refuses): a synced one, used to sign in, and a
 * security key. Answers the access token of the passkey's aal2 session.
 */
async function withPasskeys(server: TestServer, email: string): Promise<string> {
  const device = (backedUp: boolean) =>
    new SoftwareAuthenticator({ origin: server.url, rpId: new URL(server.url).hostname, backedUp });
  const add = async (token: string, authenticator: SoftwareAuthenticator, name: string) => {
    const bearer = { authorization: `Bearer ${token}` };
    const options = await server.post("/auth/passkeys/register/options", {}, bearer);
    const response = authenticator.register(options.body);
    await server.post("/auth/passkeys/register", { response, name }, bearer);
  };
  const login = await server.post("/auth/login", { email, password: PASSWORD });
  const phone = device(true);
  await add(login.body.accessToken, phone, "iPhone");
  server.clock.advance(3600);
  const options = await server.post("/auth/passkeys/login/options", {});
  const signedIn = await server.post("/auth/passkeys/login", {
    response: phone.assert(options.body),
  });
  await add(signedIn.body.accessToken, device(false), "YubiKey");
  return signedIn.body.accessToken;
}

async function go(page: Page, url: string): Promise<void> {
  await page.goto(url);
}

/** A verified user with a second session (a phone), and live verify and reset links. */
async function prepare(server: TestServer): Promise<Links> {
  await server.post("/auth/register", { email: "new@example.com", password: PASSWORD });
  const verifyMail = await server.smtp.waitForMail((m) => m.to.includes("new@example.com"));
  const registered = await server.post("/auth/register", {
    email: EMAIL,
    password: PASSWORD,
    name: "Ada Lovelace",
  });
  const code = extractCode(await server.smtp.waitForMail((m) => m.to.includes(EMAIL)));
  await server.post("/auth/verify-email", { userId: registered.body.userId, code });
  await server.post(
    "/auth/login",
    { email: EMAIL, password: PASSWORD },
    {
      "user-agent":
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    },
  );
  await server.post("/auth/forgot-password", { email: EMAIL });
  const resetMail = await server.smtp.waitForMail(
    (m) => m.to.includes(EMAIL) && /^Reset/.test(m.subject),
  );
  return {
    verify: extractLink(verifyMail, `${server.url}/verify-email?`),
    reset: extractLink(resetMail, `${server.url}/password/reset/`),
  };
}

async function shoot(browser: Browser, server: TestServer, links: Links): Promise<void> {
  for (const [width, options] of Object.entries(VIEWPORTS)) {
    for (const scene of SCENES) {
      const context = await browser.newContext({ ...options, locale: "en-US" });
      const page = await context.newPage();
      await scene.show(page, server, links);
      const path = join(OUT, `${scene.name}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      console.log(`wrote ${path}`);
      await context.close();
    }
  }
}

/** Bytes of each page's HTML plus the stylesheet and script it links, as served. */
async function pageWeights(server: TestServer, links: Links): Promise<void> {
  const login = await server.post("/auth/login", { email: EMAIL, password: PASSWORD });
  const cookie = `accessToken=${login.body.accessToken}`;
  const size = async (url: string) => {
    // Signed in only where it takes that: /sign-in would lead to /account.
    const headers: Record<string, string> = url.endsWith("/account") ? { cookie } : {};
    return Buffer.byteLength(await (await fetch(url, { headers })).text());
  };
  const signIn = await (await fetch(`${server.url}/sign-in`)).text();
  const assets = [...signIn.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  const [css = 0, js = 0] = await Promise.all(assets.map((a) => size(server.url + a)));
  console.log(`\nstylesheet ${css} B, script ${js} B (shared, cached a year)`);
  console.log("page                       HTML   total with assets");
  for (const [name, url] of [
    ["/sign-in", `${server.url}/sign-in`],
    ["/sign-up", `${server.url}/sign-up`],
    ["/verify-email (from link)", links.verify],
    ["/password/forgot", `${server.url}/password/forgot`],
    ["/password/reset/:token", links.reset],
    ["/password/reset (code)", `${server.url}/password/reset`],
    ["/account (4 sessions)", `${server.url}/account`],
  ] as const) {
    const html = await size(url);
    console.log(`${name.padEnd(26)} ${String(html).padStart(5)}  ${html + css + js}`);
  }
}

if (!hasChromium) {
  console.error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  process.exit(1);
}
await mkdir(OUT, { recursive: true });
const server = await startPagesServer(pglite, { RESEND_COOLDOWN: "0" });
const browser = await launchChromium();
try {
  const links = await prepare(server);
  await shoot(browser, server, links);
  await pageWeights(server, links);
} finally {
  await browser.close();
  await server.close();
}
