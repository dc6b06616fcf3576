import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureClientBuilt,
  requestsSeen,
  reusesSeen,
} from "../../../packages/client/test/support.js";
import { hasChromium, launchChromium } from "../../../test/browser/support.js";
import { appCode } from "../../../test/e2e/second-factor-support.js";
import { nthCodeTo, uniqueEmail } from "../../../test/e2e/support.js";
import { pglite } from "../../../test/helpers/stores.js";
import { freePort, startTestServer, type TestServer } from "../../../test/helpers/test-server.js";
import { type AppServer, startAppServer } from "../server.js";

const PASSWORD = "correct horse battery staple";
/** ACCESS_TOKEN_TTL is the contract's default: the server's clock moves past it. */
const PAST_ACCESS_TTL = 15 * 60 + 1;

/**
 * The example app in Chromium against a real Latchkey on another origin (allowed by
 * CORS_ORIGINS): sign up, verify, two-step sign-in, and two tabs of one browser that meet an
 * expired access token at the same moment without tripping refresh-token reuse detection.
 */
describe.skipIf(!hasChromium)("examples/browser-app in Chromium", () => {
  let server: TestServer;
  let app: AppServer;
  let browser: Browser;
  beforeAll(async () => {
    // The app bundles @latchkey/client as an app would: from its built dist/.
    ensureClientBuilt();
    const appPort = await freePort();
    [server, browser] = await Promise.all([
      startTestServer({ store: pglite, env: { CORS_ORIGINS: `http://127.0.0.1:${appPort}` } }),
      launchChromium(),
    ]);
    app = await startAppServer({ latchkeyUrl: server.url, port: appPort });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
  });

  async function openTab(context: BrowserContext, query = ""): Promise<Page> {
    const page = await context.newPage();
    page.on("pageerror", (error) => {
      throw error;
    });
    await page.goto(`${app.url}/${query}`);
    return page;
  }

  const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
  const status = (page: Page, text: string) =>
    page.getByRole("status").filter({ hasText: text }).waitFor();
  const signedInAs = (page: Page, email: string, aal: string) =>
    page.getByText(`Signed in as ${email} (${aal})`).waitFor();

  async function signUpAndVerify(page: Page, email: string): Promise<void> {
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await button(page, "Sign up").click();
    await page.getByLabel("Code from the email").fill(await nthCodeTo(server, email, 1));
    await button(page, "Verify").click();
    await status(page, "Email verified: sign in.");
  }

  /** Both tabs call the API ten times at once, after the access token expired. */
  async function burstAfterExpiry(tabs: Page[]) {
    const refreshes = await requestsSeen(server, "POST", "/auth/refresh");
    const reuses = await reusesSeen(server);
    server.clock.advance(PAST_ACCESS_TTL);
    await Promise.all(tabs.map((tab) => button(tab, "Call the API 10 times").click()));
    for (const tab of tabs) await tab.getByText("10 of 10 answered").waitFor();
    expect(await requestsSeen(server, "POST", "/auth/refresh")).toBe(refreshes + 1);
    expect(await reusesSeen(server)).toBe(reuses);
    const alarms = await server.runtime.database.db
      .selectFrom("audit_events")
      .select("id")
      .where("type", "=", "refresh.reuse")
      .execute();
    expect(alarms).toEqual([]);
  }

  it("cookie mode: sign up, verify, turn on TOTP, sign in with it; two tabs survive expiry with one refresh", async () => {
    const context = await browser.newContext();
    const tabA = await openTab(context);
    const email = uniqueEmail("browser-app");
    await signUpAndVerify(tabA, email);
    await button(tabA, "Sign in").click();
    await signedInAs(tabA, email, "aal1");

    await button(tabA, "Turn on two-step sign-in").click();
    const secret = tabA.locator("#totp-secret");
    await expect.poll(() => secret.textContent()).toMatch(/^[A-Z2-7]{32}$/);
    const key = (await secret.textContent()) ?? "";
    await tabA.getByLabel("Code from the app").fill(appCode(server, key));
    await button(tabA, "Confirm").click();
    await status(tabA, "Two-step sign-in is on: sign in again.");

    server.clock.advance(30); // The confirmation used this time step; a code is good once.
    await button(tabA, "Sign in").click();
    await tabA.getByLabel("Code from your authenticator app").fill(appCode(server, key));
    await button(tabA, "Continue").click();
    await signedInAs(tabA, email, "aal2");
    // The tokens are in HttpOnly cookies, out of the page's reach.
    expect(
      await tabA.evaluate(() => JSON.stringify(Reflect.get(globalThis, "localStorage"))),
    ).not.toMatch(/eyJ/);

    const tabB = await openTab(context);
    await signedInAs(tabB, email, "aal2");
    await burstAfterExpiry([tabA, tabB]);
    await burstAfterExpiry([tabA, tabB]);

    // Still signed in, in both tabs, after a reload: the session was never revoked.
    for (const tab of [tabA, tabB]) {
      await tab.reload();
      await signedInAs(tab, email, "aal2");
    }
    await button(tabB, "Sign out").click();
    await tabA.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await context.close();
  });

  it("localStorage mode: two tabs share the session and refresh it once", async () => {
    const context = await browser.newContext();
    const tabA = await openTab(context, "?storage=local");
    const email = uniqueEmail("browser-app-local");
    await signUpAndVerify(tabA, email);
    await button(tabA, "Sign in").click();
    await signedInAs(tabA, email, "aal1");
    const tabB = await openTab(context, "?storage=local");
    await signedInAs(tabB, email, "aal1");
    await burstAfterExpiry([tabA, tabB]);
    await tabB.reload();
    await signedInAs(tabB, email, "aal1");
    await context.close();
  });
});
