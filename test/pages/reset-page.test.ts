import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractCode, extractLink } from "../helpers/smtp-capture.js";
import { describeEachStore, pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  CookieJar,
  expectAnnouncedErrors,
  getPage,
  heading,
  inputValue,
  postForm,
} from "./support.js";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase";
let sequence = 0;

describeEachStore("the reset-password page", (store) => {
  let server: TestServer;
  let resetPrefix: string;
  beforeAll(async () => {
    // No cooldown: each test asks for several mails for one address.
    server = await startTestServer({ store, env: { RESEND_COOLDOWN: "0" } });
    resetPrefix = `${server.runtime.deps.config.appUrl}/password/reset/`;
  });
  afterAll(() => server?.close());

  async function activeUser(): Promise<string> {
    const email = `reset-page-${++sequence}-${store.name.toLowerCase()}@latchkey.test`;
    const res = await server.post("/auth/register", { email, password: PASSWORD });
    const code = extractCode(await server.smtp.waitForMail((m) => m.to.includes(email)));
    await server.post("/auth/verify-email", { userId: res.body.userId, code });
    return email;
  }

  async function resetLinkPath(email: string): Promise<string> {
    const count = server.smtp.mails.filter((m) => m.to.includes(email)).length;
    await server.post("/auth/forgot-password", { email });
    const mail = await server.smtp.waitForMail(
      (m) =>
        m.to.includes(email) &&
        server.smtp.mails.filter((x) => x.to.includes(email)).indexOf(m) >= count &&
        /reset/i.test(m.subject),
    );
    return new URL(extractLink(mail, resetPrefix)).pathname;
  }

  it("GET never uses the token: opened twice (a scanner, then the person), the POST still works", async () => {
    const email = await activeUser();
    const path = await resetLinkPath(email);
    for (let i = 0; i < 2; i++) {
      const page = await getPage(server, path);
      expect(page.status).toBe(200);
      expect(heading(page.html)).toBe("Choose a new password");
      expect(page.html).toContain(`action="${path}"`);
      expect(page.headers.get("referrer-policy")).toBe("same-origin");
    }
    const jar = new CookieJar();
    const done = await postForm(
      server,
      path,
      { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      { jar },
    );
    expect(done.status, done.html).toBe(303);
    expect(done.location).toBe("/account?notice=password-reset");
    expect(jar.get("accessToken")).toBeDefined();
    const account = await getPage(server, done.location ?? "", { jar });
    expect(account.html).toContain("Your new password is set and you are signed in.");
    const login = await server.post("/auth/login", { email, password: NEW_PASSWORD });
    expect(login.status).toBe(200);
  });

  it("a refused password leaves the link usable; the errors are announced", async () => {
    const email = await activeUser();
    const path = await resetLinkPath(email);
    const mismatch = await postForm(server, path, {
      password: NEW_PASSWORD,
      confirmPassword: "something else",
    });
    expect(mismatch.status).toBe(400);
    expectAnnouncedErrors(mismatch.html, ["confirmPassword"]);
    const short = await postForm(server, path, { password: "short", confirmPassword: "short" });
    expect(short.status).toBe(400);
    expectAnnouncedErrors(short.html, ["password"]);
    const done = await postForm(server, path, {
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(done.status).toBe(303);
  });

  it("a used, replaced, expired or unknown link says so and offers a new one", async () => {
    const email = await activeUser();
    const used = await resetLinkPath(email);
    await postForm(server, used, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    const replaced = await resetLinkPath(email);
    const expired = await resetLinkPath(email);
    server.clock.advance(server.runtime.deps.config.resetTokenTtl + 1);
    for (const path of [used, replaced, expired, "/password/reset/no-such-token"]) {
      const page = await getPage(server, path);
      expect(page.status, path).toBe(410);
      expect(heading(page.html)).toBe("This link no longer works");
      expect(page.html).toContain('<div role="alert">');
      expect(page.html).toContain(
        '<a class="button" href="/password/forgot">Ask for a new link</a>',
      );
      const post = await postForm(server, path, {
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
      expect(post.status, path).toBe(410);
      expect(heading(post.html)).toBe("This link no longer works");
    }
  });

  it("the reset-code mail links to a prefilled page; the code form resets too", async () => {
    const email = await activeUser();
    await server.post("/auth/forgot-password", { email, method: "code" });
    const mail = await server.smtp.waitForMail(
      (m) => m.to.includes(email) && /reset code/i.test(m.subject),
    );
    const code = extractCode(mail);
    const link = new URL(extractLink(mail, `${server.runtime.deps.config.appUrl}/password/reset?`));
    expect(mail.text.indexOf(code)).toBeLessThan(mail.text.indexOf(link.href));
    const page = await getPage(server, link.pathname + link.search);
    expect(inputValue(page.html, "email")).toBe(email);
    expect(inputValue(page.html, "code")).toBe(code);

    const wrong = await postForm(server, "/password/reset", {
      email,
      code: String((Number(code) + 1) % 1_000_000).padStart(6, "0"),
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(400);
    expectAnnouncedErrors(wrong.html, ["code"]);
    expect(wrong.html).toContain('href="/password/forgot">Ask for a new link</a>');

    const done = await postForm(server, "/password/reset", {
      email,
      code,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(done.status, done.html).toBe(303);
    expect((await server.post("/auth/login", { email, password: NEW_PASSWORD })).status).toBe(200);
  });
});

describe("reset link base", () => {
  it("is APP_URL when the app brings its own pages", async () => {
    const server = await startTestServer({
      store: pglite,
      env: { APP_URL: "https://app.example.com", PAGES_ENABLED: "false" },
    });
    try {
      await server.post("/auth/register", { email: "own-pages@latchkey.test", password: PASSWORD });
      const mail = await server.smtp.waitForMail((m) => m.to.includes("own-pages@latchkey.test"));
      expect(extractLink(mail, "https://app.example.com/verify-email?")).toContain("code=");
    } finally {
      await server.close();
    }
  });
});
