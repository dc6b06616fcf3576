import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCode } from "../helpers/smtp-capture.js";
import { pglite } from "../helpers/stores.js";
import { freePort, startTestServer, type TestServer } from "../helpers/test-server.js";
import { hasChromium, launchChromium, openPage, submit } from "./support.js";

const PASSWORD = "correct horse battery staple";

/**
 * A dev box reached over plain http by a name other than localhost. Chromium sends no
 * Fetch Metadata there (not a secure context), so a form carries only its Origin: the
 * pages must get the real one from the browser, and still refuse every other site's.
 */
describe.skipIf(!hasChromium)("hosted pages on http://devbox (not localhost)", () => {
  let server: TestServer;
  let browser: Browser;
  let evil: Server;
  let devbox: string;
  let evilUrl: string;
  /** The Referer of each request the other site got. */
  const referers: (string | undefined)[] = [];

  beforeAll(async () => {
    const port = await freePort();
    devbox = `http://devbox:${port}`;
    evil = createServer((request, response) => {
      // Another site's page with a form aimed at the dev box; ?policy= sets its referrer policy.
      referers.push(request.headers.referer);
      const policy = new URL(request.url ?? "/", "http://evil").searchParams.get("policy");
      response.setHeader("content-type", "text/html; charset=utf-8");
      if (policy) response.setHeader("referrer-policy", policy);
      response.end(
        `<!doctype html><form method="post" action="${devbox}/sign-in">` +
          `<input name="email" value="attacker@evil.test"><input name="password" value="${PASSWORD}">` +
          "<button>Go</button></form>",
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    evilUrl = `http://evil:${(evil.address() as AddressInfo).port}`;
    [server, browser] = await Promise.all([
      startTestServer({
        store: pglite,
        port,
        env: { PUBLIC_URL: devbox, APP_URL: devbox, COOKIE_SECURE: "false" },
      }),
      launchChromium(["--host-resolver-rules=MAP devbox 127.0.0.1, MAP evil 127.0.0.1"]),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => evil?.close(resolve));
  });

  it("signs up, verifies, signs in and out with forms", async () => {
    const { context, page, problems } = await openPage(browser);
    const email = "devbox@latchkey.test";
    await page.goto(`${devbox}/sign-up`);
    await page.getByLabel("Name").fill("Dev Box");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Create account");
    expect(new URL(page.url()).pathname).toBe("/verify-email");

    const mail = await server.smtp.waitForMail((m) => m.to.includes(email));
    await page.getByLabel("6-digit code").fill(extractCode(mail));
    await submit(page, "Verify");
    expect(page.url()).toBe(`${devbox}/sign-in?notice=verified`);

    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(page.url()).toBe(`${devbox}/account`);
    await submit(page, "Sign out");
    expect(page.url()).toBe(`${devbox}/sign-in?notice=signed-out`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each([
    ["its own Origin", ""],
    ["Origin: null", "?policy=no-referrer"],
  ])("refuses another site's form sent with %s", async (_name, query) => {
    const { context, page } = await openPage(browser);
    await page.goto(`${evilUrl}/${query}`);
    const [response] = await Promise.all([
      page.waitForResponse(`${devbox}/sign-in`),
      page.getByRole("button", { name: "Go" }).click(),
    ]);
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain("another site");
    expect(await context.cookies(devbox)).toEqual([]);
    await context.close();
  });

  it("a reset link's token never reaches another site in a Referer", async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${devbox}/password/reset/a-secret-reset-token`);
    referers.length = 0;
    await Promise.all([
      page.waitForURL(`${evilUrl}/`),
      page.evaluate(`location.href = "${evilUrl}/"`),
    ]);
    // The navigation went without one (the page's favicon request after it names evil itself).
    expect(referers[0]).toBeUndefined();
    expect(referers.filter((referer) => referer?.includes("devbox"))).toEqual([]);
    await context.close();
  });
});
