import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCode } from "../helpers/smtp-capture.js";
import { pglite } from "../helpers/stores.js";
import { freePort, startTestServer, type TestServer } from "../helpers/test-server.js";
import { hasChromium, launchChromium, openPage, submit } from "./support.js";

const PASSWORD = "correct horse battery staple";

/** What Chromium's virtual authenticator (CDP WebAuthn domain) is: a phone's or a laptop's. */
interface VirtualAuthenticator {
  hasUserVerification: boolean;
  isUserVerified: boolean;
}

/**
 * Passkeys added and used on the hosted pages, in a real Chromium with its virtual
 * authenticator. WebAuthn wants a domain as RP ID (an IP address is refused), so the server
 * is http://localhost:PORT, a secure context, and WEBAUTHN_RP_ID is localhost.
 */
describe.skipIf(!hasChromium)("passkeys on the hosted pages, in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  /** The pages' address in the browser (server.url is the 127.0.0.1 one). */
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `http://localhost:${port}`;
    [server, browser] = await Promise.all([
      startTestServer({ store: pglite, port, env: { PUBLIC_URL: url, APP_URL: url } }),
      // The server listens on 127.0.0.1 only: never try ::1 first.
      launchChromium(["--host-resolver-rules=MAP localhost 127.0.0.1"]),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function verifiedUser(email: string): Promise<void> {
    const registered = await server.post("/auth/register", { email, password: PASSWORD });
    const code = extractCode(await server.smtp.waitForMail((m) => m.to.includes(email)));
    await server.post("/auth/verify-email", { userId: registered.body.userId, code });
  }

  async function withAuthenticator(page: Page, options: VirtualAuthenticator): Promise<void> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, ...options },
    });
  }

  async function signInWithPassword(page: Page, email: string): Promise<void> {
    await page.goto(`${url}/sign-in`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(page.url()).toBe(`${url}/account`);
  }

  /** Adds a passkey on /account and waits for the page the script goes to. */
  async function addPasskey(page: Page, name: string): Promise<void> {
    await page.getByLabel("Name for the new passkey (optional)").fill(name);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.waitForURL(`${url}/account?notice=passkey-added`);
  }

  /** What the passkey part's live region (aria-live="polite") says. */
  const spoken = (page: Page, words: string) =>
    page.locator("[aria-live=polite][data-passkey-status]", { hasText: words }).waitFor();

  const me = (page: Page) =>
    page.evaluate(async () => (await fetch("/auth/me")).json() as Promise<{ aal?: string }>);

  it("adds a passkey on /account, signs out, and signs in with it (usernameless) at aal2", async () => {
    const { context, page, problems } = await openPage(browser);
    const email = "browser-passkey@latchkey.test";
    await verifiedUser(email);
    await withAuthenticator(page, {
      hasUserVerification: true,
      isUserVerified: true,
    });
    // The field offers passkeys in autofill; the password form signs in as before.
    await page.goto(`${url}/sign-in`);
    expect(await page.getByLabel("Email address").getAttribute("autocomplete")).toBe(
      "username webauthn",
    );
    await signInWithPassword(page, email);
    expect((await me(page)).aal).toBe("aal1");

    await addPasskey(page, "Work laptop");
    expect(await page.getByRole("status").textContent()).toContain("Passkey added.");
    const section = page.locator("section", { hasText: "Passkeys" });
    const item = section.getByRole("listitem").filter({ hasText: "Work laptop" });
    expect(await item.textContent()).toMatch(/Not used yet/);
    expect(await item.textContent()).toMatch(/Synced|On one device/);

    await submit(page, "Sign out");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL(`${url}/account`);
    const session = await me(page);
    expect(session).toMatchObject({ aal: "aal2", amr: ["passkey"] });
    expect(await item.textContent()).toMatch(/Last used/);

    // Autofill: focusing the email field starts a conditional request, which the virtual
    // authenticator (unlike a person choosing from the list) answers at once.
    await submit(page, "Sign out");
    await page.getByLabel("Email address").focus();
    await page.waitForURL(`${url}/account`);
    expect(await me(page)).toMatchObject({ aal: "aal2", amr: ["passkey"] });

    // The passkey is the user's second factor now: the password leads to it. The email is
    // set without focusing its field, or autofill would sign in with the passkey again.
    await submit(page, "Sign out");
    await page.locator("#f-email").evaluate((field, value) => {
      (field as unknown as { value: string }).value = value;
    }, email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(new URL(page.url()).pathname).toBe("/sign-in/second-factor");
    await page.getByRole("button", { name: "Use my passkey" }).click();
    await page.waitForURL(`${url}/account`);
    expect(await me(page)).toMatchObject({ aal: "aal2", amr: ["pwd", "passkey"] });
    expect(problems).toEqual([]);
    await context.close();
  });

  // Chromium lets an authenticator that cannot verify the user (no PIN, no biometrics) create
  // a discoverable passkey, but does not offer it to a usernameless sign-in: the request ends
  // in NotAllowedError, as a cancelled prompt does. The passkey still gives the user MFA, so
  // the password alone now leads to the second step.
  it("a passkey without user verification: added, not offered for usernameless sign-in, and the second step after the password", async () => {
    const { context, page, problems } = await openPage(browser);
    const email = "browser-passkey-no-uv@latchkey.test";
    await verifiedUser(email);
    await withAuthenticator(page, {
      hasUserVerification: false,
      isUserVerified: false,
    });
    await signInWithPassword(page, email);
    await addPasskey(page, "Security key");
    expect(await page.locator("section", { hasText: "Passkeys" }).textContent()).toContain(
      "Security key",
    );

    await submit(page, "Sign out");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await spoken(page, "No passkey was used. Nothing has changed.");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(await page.getByRole("button", { name: "Sign in with a passkey" }).isEnabled()).toBe(
      true,
    );

    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(new URL(page.url()).pathname).toBe("/sign-in/second-factor");
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain("accessToken");
    // As the second factor, named in allowCredentials, it is offered and finishes at aal2.
    await page.getByRole("button", { name: "Use my passkey" }).click();
    await page.waitForURL(`${url}/account`);
    expect(await me(page)).toMatchObject({ aal: "aal2", amr: ["pwd", "passkey"] });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("says so in the live region when the person cancels, and leaves the page as it was", async () => {
    const { context, page, problems } = await openPage(browser);
    const email = "browser-passkey-cancel@latchkey.test";
    await verifiedUser(email);
    await signInWithPassword(page, email);
    // The person closes the browser's prompt: WebAuthn answers NotAllowedError.
    await page.evaluate(
      "navigator.credentials.create = () => Promise.reject(new DOMException('closed', 'NotAllowedError')); true",
    );
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await spoken(page, "No passkey was used. Nothing has changed.");
    expect(page.url()).toBe(`${url}/account`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("without script the passkey buttons are not drawn, and the password form still works", async () => {
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    const email = "browser-passkey-noscript@latchkey.test";
    await verifiedUser(email);
    await page.goto(`${url}/sign-in`);
    expect(await page.getByRole("button", { name: "Sign in with a passkey" }).count()).toBe(0);
    await signInWithPassword(page, email);
    expect(await page.getByRole("button", { name: "Add a passkey" }).count()).toBe(0);
    await context.close();
  });
});
