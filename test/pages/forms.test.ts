import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCode, extractLink } from "../helpers/smtp-capture.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  CookieJar,
  expectAnnouncedErrors,
  getPage,
  heading,
  inputValue,
  PASSWORD,
  postForm,
  signInWithPages,
  signUpWithPages,
} from "./support.js";

let sequence = 0;
const email = (tag: string) => `${tag}-${++sequence}@latchkey.test`;

/** Forms as a browser without JavaScript sends them: urlencoded POST, 303, cookies. */
describe("hosted pages without JavaScript", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
  });
  afterAll(() => server?.close());

  const signUpAndVerify = (tag: string) => signUpWithPages(server, email(tag));
  const signIn = (address: string, password = PASSWORD) =>
    signInWithPages(server, address, password);

  it("signs up, mails a code and a link to the prefilled page, verifies, signs in", async () => {
    const address = email("ada");
    const signUp = await postForm(server, "/sign-up", {
      name: "Ada",
      email: `  ${address.toUpperCase()} `,
      password: PASSWORD,
    });
    expect(signUp.status).toBe(303);
    expect(signUp.location).toBe(`/verify-email?email=${encodeURIComponent(address)}`);
    expect(signUp.headers.getSetCookie()).toEqual([]);

    const mail = await server.smtp.waitForMail((m) => m.to.includes(address));
    const code = extractCode(mail);
    const link = extractLink(mail, `${server.runtime.deps.config.appUrl}/verify-email?`);
    expect(new URL(link).searchParams.get("code")).toBe(code);
    expect(new URL(link).searchParams.get("email")).toBe(address);
    expect(mail.html).toContain(`href="${link.replaceAll("&", "&amp;")}"`);

    // The link only fills the form in; opening it verifies nothing.
    const prefilled = await getPage(server, new URL(link).pathname + new URL(link).search);
    expect(inputValue(prefilled.html, "code")).toBe(code);
    expect(inputValue(prefilled.html, "email")).toBe(address);
    const before = await server.runtime.deps.stores.users.findByEmail(address);
    expect(before?.emailVerifiedAt).toBeNull();

    const verified = await postForm(server, "/verify-email", { email: address, code });
    expect(verified.status).toBe(303);
    const signInPage = await getPage(server, verified.location ?? "");
    expect(signInPage.html).toContain('role="status">Your email address is verified.');

    const jar = await signIn(address);
    expect(jar.get("accessToken")).toBeDefined();
    expect(jar.get("refreshToken")).toBeDefined();
    const account = await getPage(server, "/account", { jar });
    expect(account.status).toBe(200);
    expect(heading(account.html)).toBe("Your account");
    expect(account.html).toContain(address);
    expect(account.html).toContain('<span class="badge">This device</span>');
  });

  it("announces a wrong code beside the field, and keeps what was typed", async () => {
    const address = email("wrong-code");
    await postForm(server, "/sign-up", { email: address, password: PASSWORD });
    const code = extractCode(await server.smtp.waitForMail((m) => m.to.includes(address)));
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    const page = await postForm(server, "/verify-email", { email: address, code: wrong });
    expect(page.status).toBe(400);
    expectAnnouncedErrors(page.html, ["code"]);
    expect(page.html).toContain("The code is not right.");
    expect(inputValue(page.html, "email")).toBe(address);
  });

  it("announces sign-up problems per field, never echoing the password", async () => {
    const page = await postForm(server, "/sign-up", {
      email: "not-an-email",
      password: "short",
      name: `<script>alert(1)</script>`,
    });
    expect(page.status).toBe(400);
    expectAnnouncedErrors(page.html, ["email"]);
    expect(page.html).toContain("Enter an email address like name@example.com.");
    expect(page.html).not.toContain("<script>alert(1)</script>");
    expect(page.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.html).not.toContain('value="short"');
  });

  it("says which password rule failed, in the page's language", async () => {
    const page = await postForm(server, "/sign-up?lang=de", {
      email: email("short"),
      password: "short",
      lang: "de",
    });
    expect(page.status).toBe(400);
    expectAnnouncedErrors(page.html, ["password"]);
    expect(page.html).toContain("Verwenden Sie mindestens 8 Zeichen.");
    expect(page.html).toContain('<input type="hidden" name="lang" value="de">');
  });

  it("a wrong password is one announced error; an unverified account is offered verification", async () => {
    const wrong = await postForm(server, "/sign-in", { email: email("nobody"), password: "x" });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('role="alert"');
    expect(wrong.html).toContain("The email address or password is not right.");
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const pending = email("pending");
    await postForm(server, "/sign-up", { email: pending, password: PASSWORD });
    const unverified = await postForm(server, "/sign-in", { email: pending, password: PASSWORD });
    expect(unverified.status).toBe(403);
    expect(unverified.html).toContain(
      `href="/verify-email?email=${encodeURIComponent(pending)}">Verify it now</a>`,
    );
  });

  it("resending a code answers the same whatever the email, inside the cooldown too", async () => {
    const address = email("resend");
    await postForm(server, "/sign-up", { email: address, password: PASSWORD });
    await server.smtp.waitForMail((m) => m.to.includes(address));
    for (const target of [address, email("nobody-resend")]) {
      const page = await postForm(server, "/verify-email/resend", { email: target });
      expect(page.status).toBe(200);
      expect(page.html).toContain(
        'role="status">If that address has an account waiting for verification',
      );
    }
    await server.runtime.mail.flush();
    expect(server.smtp.mails.filter((m) => m.to.includes(address))).toHaveLength(1);
  });

  it("forgot password answers the same for an unknown email", async () => {
    const known = await signUpAndVerify("forgot");
    const pages = await Promise.all(
      [known, email("unknown")].map((address) =>
        postForm(server, "/password/forgot", { email: address }),
      ),
    );
    for (const [index, page] of pages.entries()) {
      expect(page.status).toBe(200);
      expect(heading(page.html)).toBe("Check your email");
      const normalised = page.html.replace(index === 0 ? known : /unknown-\d+@latchkey\.test/, "X");
      expect(normalised).toBe(pages[1]!.html.replace(/unknown-\d+@latchkey\.test/, "X"));
    }
    const bad = await postForm(server, "/password/forgot", { email: "nope" });
    expect(bad.status).toBe(400);
    expectAnnouncedErrors(bad.html, ["email"]);
  });
});

describe("sign-up page with REQUIRE_EMAIL_VERIFICATION=false", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { REQUIRE_EMAIL_VERIFICATION: "false" },
    });
  });
  afterAll(() => server?.close());

  it("signs the new user in at once and shows the account", async () => {
    const jar = new CookieJar();
    const address = email("instant");
    const page = await postForm(
      server,
      "/sign-up",
      { email: address, password: PASSWORD },
      { jar },
    );
    expect(page.location).toBe("/account");
    const account = await getPage(server, "/account", { jar });
    expect(account.status).toBe(200);
    expect(account.html).toContain(address);
  });
});

describe("hosted pages under rate limits", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { RATE_LIMIT_ENABLED: "true", RATE_LIMIT_FORGOT_IP: "1/1h" },
    });
  });
  afterAll(() => server?.close());

  it("answers 429 with Retry-After and says how long to wait", async () => {
    expect((await postForm(server, "/password/forgot", { email: email("limit") })).status).toBe(
      200,
    );
    const limited = await postForm(server, "/password/forgot", { email: email("limit") });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.html).toMatch(/Too many tries\. Wait \d+ (minutes|hour)/);
    expect(limited.html).toContain('role="alert"');
  });
});
