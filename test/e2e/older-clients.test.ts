import { afterAll, beforeAll, expect, it } from "vitest";
import { extractCode, extractLink } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import { type JsonResponse, startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectUser,
  loginOk,
  nthCodeTo,
  PASSWORD,
  registerActive,
  uniqueEmail,
  uniqueUsername,
} from "./support.js";

const APP_URL = "https://app.example.com";
const LINK_PREFIX = `${APP_URL}/password/reset/`;
const NEW_PASSWORD = "an older client's new password";

/**
 * Older clients of this API family call the aliases with their own request shapes and
 * read only `success`, `message`, `userId`, `token` and `user`. Each test sends exactly
 * what such a client sends.
 */
describeEachStore("older clients on the route aliases", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, env: { APP_URL } });
  });
  afterAll(() => server?.close());

  function expectSuccess(res: JsonResponse, status: number): void {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.success).toBe(true);
    expect(typeof res.body.message).toBe("string");
    expect(res.body.message.length).toBeGreaterThan(0);
  }

  function expectSignedIn(res: JsonResponse, email: string): void {
    expectSuccess(res, 200);
    expect(res.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(res.body.token).toBe(res.body.accessToken);
    expectUser(res.body.user);
    expect(res.body.user.email).toBe(email);
  }

  function nextResetMail(email: string) {
    const seen = new Set(server.smtp.mails);
    return server.smtp.waitForMail(
      (m) => !seen.has(m) && m.to.includes(email) && /reset/i.test(m.subject),
    );
  }

  async function meWith(token: string) {
    return server.get("/auth/me", { authorization: `Bearer ${token}` });
  }

  for (const path of ["/api/auth/sign-up", "/register"]) {
    it(`POST ${path} {username, email, password}: 201 {userId, user}, a code is mailed`, async () => {
      const email = uniqueEmail("signup");
      const username = uniqueUsername("older");
      const res = await server.post(path, { username, email, password: PASSWORD });
      expectSuccess(res, 201);
      expect(typeof res.body.userId).toBe("string");
      expectUser(res.body.user);
      expect(res.body.user).toMatchObject({
        id: res.body.userId,
        email,
        username,
        status: "pending",
        emailVerified: false,
      });
      expect(await nthCodeTo(server, email, 1)).toMatch(/^\d{6}$/);
    });
  }

  it("POST /api/auth/verify-code {id, code}: 200 {user}, verified", async () => {
    const email = uniqueEmail("verify");
    const username = uniqueUsername("older");
    const signUp = await server.post("/api/auth/sign-up", { username, email, password: PASSWORD });
    expectSuccess(signUp, 201);
    const code = await nthCodeTo(server, email, 1);
    const res = await server.post("/api/auth/verify-code", { id: signUp.body.userId, code });
    expectSuccess(res, 200);
    expectUser(res.body.user);
    expect(res.body.user).toMatchObject({
      id: signUp.body.userId,
      status: "active",
      emailVerified: true,
    });
    await loginOk(server, email);
  });

  it("POST /login {email, password}: 200 {token, user}", async () => {
    const { email } = await registerActive(server, "login");
    const res = await server.post("/login", { email, password: PASSWORD });
    expectSignedIn(res, email);
    expect((await meWith(res.body.token)).status).toBe(200);
  });

  it("POST /api/auth/forget-password-mail {email}: 202, a 6-digit code is mailed", async () => {
    const { email } = await registerActive(server, "forget-mail");
    const mail = nextResetMail(email);
    const res = await server.post("/api/auth/forget-password-mail", { email });
    expectSuccess(res, 202);
    const received = await mail;
    expect(extractCode(received)).toMatch(/^\d{6}$/);
    expect(received.text).not.toContain(LINK_PREFIX);
  });

  it("POST /api/auth/forget-password {email, password, code}: 200 {token, user}", async () => {
    const { email } = await registerActive(server, "forget");
    const mail = nextResetMail(email);
    expectSuccess(await server.post("/api/auth/forget-password-mail", { email }), 202);
    const code = extractCode(await mail);
    const res = await server.post("/api/auth/forget-password", {
      email,
      password: NEW_PASSWORD,
      code,
    });
    expectSignedIn(res, email);
    expect((await meWith(res.body.token)).status).toBe(200);
    await loginOk(server, email, NEW_PASSWORD);
  });

  it("POST /reset-password?token= {newPassword}: 200 {token, user}", async () => {
    const { email } = await registerActive(server, "reset");
    const mail = nextResetMail(email);
    expectSuccess(await server.post("/auth/forgot-password", { email }), 202);
    const token = extractLink(await mail, LINK_PREFIX).slice(LINK_PREFIX.length);
    const res = await server.post(`/reset-password?token=${encodeURIComponent(token)}`, {
      newPassword: NEW_PASSWORD,
    });
    expectSignedIn(res, email);
    await loginOk(server, email, NEW_PASSWORD);
  });

  it("POST /forgot-password {email}: 202, a reset link is mailed", async () => {
    const { email } = await registerActive(server, "forgot");
    const mail = nextResetMail(email);
    const res = await server.post("/forgot-password", { email });
    expectSuccess(res, 202);
    const link = extractLink(await mail, LINK_PREFIX);
    expect(link).toMatch(/^https:\/\/app\.example\.com\/password\/reset\/[A-Za-z0-9_-]{43,}$/);
  });
});
