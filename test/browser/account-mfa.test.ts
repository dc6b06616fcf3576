import { readFile } from "node:fs/promises";
import { Secret } from "otpauth";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeAt } from "../../src/methods/totp/totp.js";
import { extractCode } from "../helpers/smtp-capture.js";
import { pglite } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import { hasChromium, launchChromium, openPage, startPagesServer, submit } from "./support.js";

const PASSWORD = "correct horse battery staple";

/** Two-step verification set up and used in a real Chromium, as a person would. */
describe.skipIf(!hasChromium)("the authenticator app on the hosted pages, in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startPagesServer(pglite), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const appCode = (secret: string) => codeAt(Secret.fromBase32(secret).bytes, server.clock());

  it("sets up the app with the key shown on the page, keeps the recovery codes, and signs in with a code", async () => {
    const { context, page, problems } = await openPage(browser, { acceptDownloads: true });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const email = "browser-mfa@latchkey.test";
    await page.goto(`${server.url}/sign-up`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Create account");
    const mail = await server.smtp.waitForMail((m) => m.to.includes(email));
    await page.getByLabel("6-digit code").fill(extractCode(mail));
    await submit(page, "Verify");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(page.url()).toBe(`${server.url}/account`);

    await submit(page, "Set up an authenticator app");
    expect(await page.locator("h1").textContent()).toBe("Set up an authenticator app");
    await expect(
      page.getByRole("img", { name: "QR code for your authenticator app" }).count(),
    ).resolves.toBe(1);
    // The key as a person would type it into the app: the text, not the QR code.
    const secret = ((await page.locator("code.secret").textContent()) ?? "").replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel("6-digit code").fill(appCode(secret));
    await submit(page, "Confirm");

    expect(await page.locator("h1").textContent()).toBe("Save your recovery codes");
    const codes = (await page.locator("#recovery-codes li").allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    await page.getByRole("button", { name: "Copy codes" }).click();
    // The clipboard answers asynchronously: wait for the status the script then writes.
    await page.getByRole("status").filter({ hasText: "Codes copied." }).waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(codes.join("\n"));
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download codes" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("latchkey-recovery-codes.txt");
    expect(await readFile(await download.path(), "utf8")).toBe(`${codes.join("\n")}\n`);

    await page.getByRole("link", { name: "I have saved them" }).click();
    await page.waitForURL(`${server.url}/account`);
    expect(
      await page.locator("section", { hasText: "Two-step verification" }).textContent(),
    ).toContain("Recovery codes left: 10");

    await submit(page, "Sign out");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(new URL(page.url()).pathname).toBe("/sign-in/second-factor");
    // The confirming code's step is used up: the app's next code, 30 s on the server's clock.
    server.clock.advance(30);
    await page.getByLabel("6-digit code").fill(appCode(secret));
    await submit(page, "Continue");
    expect(page.url()).toBe(`${server.url}/account`);
    expect(problems).toEqual([]);
    await context.close();
  });
  it("fits the set-up and recovery-code pages on a phone, and works without JavaScript", async () => {
    const email = "browser-mfa-phone@latchkey.test";
    const registered = await server.post("/auth/register", { email, password: PASSWORD });
    const code = extractCode(await server.smtp.waitForMail((m) => m.to.includes(email)));
    await server.post("/auth/verify-email", { userId: registered.body.userId, code });
    const { context, page } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      javaScriptEnabled: false,
    });
    const overflow = () =>
      page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    await submit(page, "Set up an authenticator app");
    expect(await overflow()).toBe(0);
    const secret = ((await page.locator("code.secret").textContent()) ?? "").replace(/\s/g, "");
    await page.getByLabel("6-digit code").fill(appCode(secret));
    await submit(page, "Confirm");
    expect(await page.locator("#recovery-codes li").count()).toBe(10);
    // Without script the codes are there to copy by hand; the buttons that need it are not.
    expect(await page.getByRole("button", { name: "Copy codes" }).count()).toBe(0);
    expect(await overflow()).toBe(0);
    await context.close();
  });
});
