import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { account, type OAuthWorld, startOAuthWorld } from "../methods/oauth/support.js";
import { hasChromium, launchChromium, openPage } from "./support.js";

/**
 * A provider's button on the hosted pages, in a real Chromium: the test OpenID Provider
 * answers its own login at once, so the browser only follows the redirects there and back.
 */
describe.skipIf(!hasChromium)("signing in with a provider on the hosted pages, in Chromium", () => {
  let world: OAuthWorld;
  let browser: Browser;
  beforeAll(async () => {
    [world, browser] = await Promise.all([startOAuthWorld(pglite), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it("leaves with the Continue button and lands signed in on /account", async () => {
    const email = `browser-oauth-${Date.now()}@latchkey.test`;
    world.op.account = account(email);
    const { context, page, problems } = await openPage(browser);
    try {
      await page.goto(`${world.server.url}/sign-in`);
      await Promise.all([
        page.waitForURL(`${world.server.url}/account`),
        page.getByRole("link", { name: "Continue with Trusted IdP" }).click(),
      ]);
      await expect(
        page.getByRole("heading", { level: 2, name: "Connected accounts" }).count(),
      ).resolves.toBe(1);
      await expect(page.getByText(email).first().isVisible()).resolves.toBe(true);
      const cookies = await context.cookies(world.server.url);
      expect(cookies.find((cookie) => cookie.name === "accessToken")?.httpOnly).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("comes back to /sign-in with the refusal in the page's language", async () => {
    const email = `browser-oauth-taken-${Date.now()}@latchkey.test`;
    // An account with this email already; the untrusted provider may not link to it.
    const registered = await world.server.post("/auth/register", {
      email,
      password: "correct horse battery staple",
    });
    expect(registered.status).toBe(201);
    world.op.account = account(email);
    const { context, page, problems } = await openPage(browser, { locale: "de-DE" });
    try {
      await page.goto(`${world.server.url}/sign-in?lang=de`);
      await Promise.all([
        page.waitForURL(/\/sign-in\?error=ACCOUNT_EXISTS/),
        page.getByRole("link", { name: "Weiter mit idp" }).click(),
      ]);
      await expect(page.getByRole("alert").textContent()).resolves.toContain(
        "Es gibt schon ein Konto mit dieser E-Mail-Adresse.",
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
