import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCode, extractLink } from "../helpers/smtp-capture.js";
import { pglite } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import { hasChromium, launchChromium, openPage, startPagesServer, submit } from "./support.js";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase";
let sequence = 0;
const uniqueEmail = (tag: string) => `${tag}-${++sequence}@latchkey.test`;

/** A person in a real Chromium, against a real Latchkey mailing a real SMTP capture. */
describe.skipIf(!hasChromium)("hosted pages in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startPagesServer(pglite), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const mailTo = (email: string, subject: RegExp) =>
    server.smtp.waitForMail((m) => m.to.includes(email) && subject.test(m.subject));

  async function activeUser(tag: string): Promise<string> {
    const email = uniqueEmail(tag);
    const res = await server.post("/auth/register", { email, password: PASSWORD });
    const code = extractCode(await mailTo(email, /verification/));
    await server.post("/auth/verify-email", { userId: res.body.userId, code });
    return email;
  }

  it("signs up, reads the code from the mail, and verifies", async () => {
    const { context, page, problems } = await openPage(browser);
    const email = uniqueEmail("signup");
    await page.goto(`${server.url}/sign-up`);
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Create account");
    expect(new URL(page.url()).pathname).toBe("/verify-email");
    expect(await page.locator("main p").first().textContent()).toContain(email);

    const code = extractCode(await mailTo(email, /verification code/));
    await page.getByLabel("6-digit code").fill(code);
    await submit(page, "Verify");
    expect(page.url()).toBe(`${server.url}/sign-in?notice=verified`);
    expect(await page.getByRole("status").textContent()).toContain(
      "Your email address is verified",
    );
    expect(problems).toEqual([]);
    await context.close();
  });

  it("opens the verification link from the mail with the code already filled in", async () => {
    const { context, page, problems } = await openPage(browser);
    const email = uniqueEmail("link");
    await server.post("/auth/register", { email, password: PASSWORD });
    const mail = await mailTo(email, /verification code/);
    await page.goto(extractLink(mail, `${server.url}/verify-email?`));
    expect(await page.getByLabel("6-digit code").inputValue()).toBe(extractCode(mail));
    await submit(page, "Verify");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("signs in and sees the account, with this device in the session list", async () => {
    const email = await activeUser("signin");
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(page.url()).toBe(`${server.url}/account`);
    expect(await page.locator("h1").textContent()).toBe("Your account");
    expect(await page.locator("dl.profile").textContent()).toContain(email);
    const current = page.locator(".session", { hasText: "This device" });
    expect(await current.textContent()).toContain("Chrome on Linux");
    // Signed in already: /sign-in leads straight back.
    await page.goto(`${server.url}/sign-in`);
    expect(page.url()).toBe(`${server.url}/account`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("announces a failed sign-in and moves focus to the problem", async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email address").fill("nobody@latchkey.test");
    await page.getByLabel("Password", { exact: true }).fill("wrong password");
    await submit(page, "Sign in");
    const alert = page.getByRole("alert");
    expect(await alert.textContent()).toContain("The email address or password is not right.");
    // Page code is passed as text: the test compiles without the DOM's types.
    expect(await page.evaluate("document.activeElement.getAttribute('role')")).toBe("alert");
    // The show/hide button is there with script, and names what it does.
    await page.getByRole("button", { name: "Show password" }).click();
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("type")).toBe("text");
    await context.close();
  });

  it("revokes another session from the account page", async () => {
    const email = await activeUser("revoke");
    const phone = await openPage(browser, {
      userAgent:
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
    });
    const laptop = await openPage(browser);
    for (const { page } of [phone, laptop]) {
      await page.goto(`${server.url}/sign-in`);
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await submit(page, "Sign in");
    }
    const { page } = laptop;
    await page.reload();
    expect(await page.locator(".session").count()).toBe(2);
    await submit(page, "Sign out this session (Chrome on Android)");
    expect(await page.getByRole("status").textContent()).toContain("That session is signed out.");
    expect(await page.locator(".session").count()).toBe(1);
    // The phone's session is over: its refresh cookie no longer works.
    const refresh = await phone.page.evaluate(async () => {
      const response = await fetch("/auth/refresh", {
        method: "POST",
        credentials: "same-origin",
        referrerPolicy: "same-origin",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      return response.status;
    });
    expect(refresh).toBe(401);
    expect(laptop.problems).toEqual([]);
    await phone.context.close();
    await laptop.context.close();
  });

  it("forgot password: follows the link from the mail and sets a new password", async () => {
    const email = await activeUser("forgot");
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email address").fill(email);
    await submit(page, "Send reset link");
    expect(await page.locator("h1").textContent()).toBe("Check your email");

    const link = extractLink(await mailTo(email, /^Reset your/), `${server.url}/password/reset/`);
    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
    await submit(page, "Set new password");
    expect(page.url()).toBe(`${server.url}/account?notice=password-reset`);
    expect(await page.getByRole("status").textContent()).toContain("Your new password is set");

    await submit(page, "Sign out");
    expect(page.url()).toBe(`${server.url}/sign-in?notice=signed-out`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
    await submit(page, "Sign in");
    expect(page.url()).toBe(`${server.url}/account`);

    // The link is used: opening it again says so and offers a new one.
    await page.goto(link);
    expect(await page.locator("h1").textContent()).toBe("This link no longer works");
    await page.getByRole("link", { name: "Ask for a new link" }).click();
    expect(page.url()).toBe(`${server.url}/password/forgot`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("works without JavaScript: sign in, errors announced, sign out", async () => {
    const email = await activeUser("nojs");
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await submit(page, "Sign in");
    expect(await page.getByRole("alert").textContent()).toContain("not right");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(page.url()).toBe(`${server.url}/account`);
    await submit(page, "Sign out");
    expect(page.url()).toBe(`${server.url}/sign-in?notice=signed-out`);
    await page.goto(`${server.url}/account`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await context.close();
  });

  it("fits every page on a phone without sideways scrolling, and the CSP refuses nothing", async () => {
    const { context, page, problems } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    for (const path of [
      "/sign-in",
      "/sign-up",
      "/verify-email?email=a-rather-long.address%40subdomain.latchkey.test&code=123456",
      "/password/forgot",
      "/password/reset?email=a%40latchkey.test&code=123456",
      "/password/reset/no-such-token",
    ]) {
      await page.goto(`${server.url}${path}`);
      const overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      expect(overflow, path).toBe(0);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  // From here on the clock moves: every access token issued before ends.
  it("resumes a session whose access cookie ran out, with the refresh cookie", async () => {
    const email = await activeUser("resume");
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    server.clock.advance(server.runtime.deps.config.accessTokenTtl + 60);
    // /account sends to sign-in; the script trades the refresh cookie and comes back.
    await page.goto(`${server.url}/account`);
    await page.waitForURL(`${server.url}/account`);
    expect(await page.locator("h1").textContent()).toBe("Your account");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("signs out without script after the access cookie ran out: the session ends", async () => {
    const email = await activeUser("signout-expired");
    const { context, page } = await openPage(browser, { javaScriptEnabled: false });
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await submit(page, "Sign in");
    expect(page.url()).toBe(`${server.url}/account`);
    const cookies = await context.cookies();
    const refreshToken = cookies.find((c) => c.name === "refreshToken")?.value ?? "";
    expect(refreshToken).not.toBe("");
    // The account page stays open past the access token's life; then Sign out is pressed.
    server.clock.advance(server.runtime.deps.config.accessTokenTtl + 60);
    await submit(page, "Sign out");
    expect(page.url()).toBe(`${server.url}/sign-in?notice=signed-out`);
    expect((await context.cookies()).map((c) => c.name)).toEqual([]);
    expect((await server.post("/auth/refresh", { refreshToken })).status).toBe(401);
    await context.close();
  });

  it("an expired link shows a clear message with a way to ask for a new one", async () => {
    const email = await activeUser("expired");
    await server.post("/auth/forgot-password", { email });
    const link = extractLink(await mailTo(email, /^Reset your/), `${server.url}/password/reset/`);
    server.clock.advance(server.runtime.deps.config.resetTokenTtl + 1);
    const { context, page, problems } = await openPage(browser);
    const response = await page.goto(link);
    expect(response?.status()).toBe(410);
    expect(await page.locator("h1").textContent()).toBe("This link no longer works");
    expect(await page.getByRole("alert").textContent()).toContain("expire after 15 minutes");
    await page.getByRole("link", { name: "Ask for a new link" }).click();
    await page.getByLabel("Email address").fill(email);
    await submit(page, "Send reset link");
    const fresh = extractLink(
      await server.smtp.waitForMail(
        (m) => m.to.includes(email) && /^Reset your/.test(m.subject) && !m.text.includes(link),
      ),
      `${server.url}/password/reset/`,
    );
    await page.goto(fresh);
    expect(await page.locator("h1").textContent()).toBe("Choose a new password");
    expect(problems).toEqual([]);
    await context.close();
  });
});
