import type { Browser, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { type AppleWorld, account, startAppleWorld } from "../methods/oauth/support.js";
import { hasChromium, launchChromium, openPage } from "./support.js";

/**
 * Apple's form_post in a real Chromium, with the provider on another site (localhost) than
 * Latchkey (127.0.0.1), as Apple is: the browser itself decides which cookies the cross-site
 * POST carries, so this shows the state cookie missing there and back at the GET.
 */
describe.skipIf(!hasChromium)("signing in with Apple's form_post, in Chromium", () => {
  let world: AppleWorld;
  let browser: Browser;
  beforeAll(async () => {
    [world, browser] = await Promise.all([startAppleWorld(pglite, "localhost"), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it("comes back by a cross-site POST without the state cookie, and lands signed in on /account", async () => {
    const email = `browser-apple-${Date.now()}@latchkey.test`;
    world.op.account = account(email);
    world.op.appleUser = { name: { firstName: "Grace", lastName: "Hopper" } };
    const { context, page, problems } = await openPage(browser);
    const callbacks: { method: string; cookie: string }[] = [];
    page.on("request", (request: Request) => {
      if (!request.url().includes("/auth/oauth/apple/callback")) return;
      void request.allHeaders().then((headers) => {
        callbacks.push({ method: request.method(), cookie: headers.cookie ?? "" });
      });
    });
    try {
      await page.goto(`${world.server.url}/sign-in`);
      await Promise.all([
        page.waitForURL(`${world.server.url}/account`),
        page.getByRole("link", { name: "Continue with Apple" }).click(),
      ]);
      await expect(page.getByText(email).first().isVisible()).resolves.toBe(true);
      await expect(page.getByText("Grace Hopper").first().isVisible()).resolves.toBe(true);
      expect(callbacks.map((callback) => callback.method)).toEqual(["POST", "GET"]);
      expect(callbacks[0]?.cookie).not.toContain("lk_oauth_state");
      expect(callbacks[1]?.cookie).toContain("lk_oauth_state");
      expect(problems).toEqual([]);
    } finally {
      world.op.appleUser = null;
      await context.close();
    }
  });
});
