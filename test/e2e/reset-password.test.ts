import { afterAll, beforeAll, expect, it } from "vitest";
import { extractCode, extractLink } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  expectFieldError,
  expectSessionCookies,
  expectTokenBundle,
  loginOk,
  otherCode,
  PASSWORD,
  registerActive,
  registerPending,
} from "./support.js";

const APP_URL = "https://app.example.com";
const LINK_PREFIX = `${APP_URL}/password/reset/`;
const NEW_PASSWORD = "a brand new passphrase";

describeEachStore("POST /auth/reset-password", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, env: { APP_URL } });
  });
  afterAll(() => server?.close());

  function nextResetMail(email: string) {
    const seen = new Set(server.smtp.mails);
    return server.smtp.waitForMail(
      (m) => !seen.has(m) && m.to.includes(email) && /reset/i.test(m.subject),
    );
  }

  async function issueLink(email: string): Promise<string> {
    const mail = nextResetMail(email);
    expect((await server.post("/auth/forgot-password", { email })).status).toBe(202);
    return extractLink(await mail, LINK_PREFIX).slice(LINK_PREFIX.length);
  }

  async function issueCode(email: string): Promise<string> {
    const mail = nextResetMail(email);
    const res = await server.post("/auth/forgot-password", { email, method: "code" });
    expect(res.status).toBe(202);
    return extractCode(await mail);
  }

  async function expectPassword(email: string, works: string, fails: string): Promise<void> {
    await loginOk(server, email, works);
    expectError(
      await server.post("/auth/login", { email, password: fails }),
      401,
      "INVALID_CREDENTIALS",
    );
  }

  it("token in the body: 200 token bundle and both cookies; old password fails, new one works", async () => {
    const { email } = await registerActive(server, "body");
    const token = await issueLink(email);
    const res = await server.post("/auth/reset-password", { token, password: NEW_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectTokenBundle(res);
    expectSessionCookies(res, false);
    expect(res.body.user.email).toBe(email);
    await expectPassword(email, NEW_PASSWORD, PASSWORD);
    const me = await server.get("/auth/me", { authorization: `Bearer ${res.body.accessToken}` });
    expect(me.status).toBe(200);
  });

  const placements: Array<[string, (email: string) => Promise<[string, object]>]> = [
    ["token in ?token=", async (e) => [`/auth/reset-password?token=${await issueLink(e)}`, {}]],
    [
      "token in the path /auth/reset-password/:token",
      async (e) => [`/auth/reset-password/${await issueLink(e)}`, {}],
    ],
    ["email + code", async (e) => ["/auth/reset-password", { email: e, code: await issueCode(e) }]],
  ];
  for (const [title, present] of placements) {
    it(title, async () => {
      const { email } = await registerActive(server, "placement");
      const [path, secret] = await present(email);
      const res = await server.post(path, { ...secret, password: NEW_PASSWORD });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expectTokenBundle(res);
      await expectPassword(email, NEW_PASSWORD, PASSWORD);
    });
  }

  it("newPassword is an alias of password", async () => {
    const { email } = await registerActive(server, "alias");
    const token = await issueLink(email);
    const res = await server.post("/auth/reset-password", { token, newPassword: NEW_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectPassword(email, NEW_PASSWORD, PASSWORD);
  });

  it("confirmPassword mismatch: 400 PASSWORD_MISMATCH, and the token still works", async () => {
    const { email } = await registerActive(server, "mismatch");
    const token = await issueLink(email);
    expectError(
      await server.post("/auth/reset-password", {
        token,
        password: NEW_PASSWORD,
        confirmPassword: `${NEW_PASSWORD}!`,
      }),
      400,
      "PASSWORD_MISMATCH",
    );
    await expectPassword(email, PASSWORD, NEW_PASSWORD);
    const res = await server.post("/auth/reset-password", {
      token,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("a too-short password: 400 VALIDATION_FAILED, and the token still works", async () => {
    const { email } = await registerActive(server, "short");
    const token = await issueLink(email);
    expectFieldError(
      await server.post("/auth/reset-password", { token, password: "short" }),
      "password",
    );
    const res = await server.post("/auth/reset-password", { token, password: NEW_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("every earlier refresh token is dead after the reset; the new one works", async () => {
    const { email } = await registerActive(server, "revoke");
    const first = await loginOk(server, email);
    const second = await loginOk(server, email);
    const token = await issueLink(email);
    const res = await server.post("/auth/reset-password", { token, password: NEW_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const earlier of [first, second]) {
      expectError(
        await server.post("/auth/refresh", { refreshToken: earlier.body.refreshToken }),
        401,
        "INVALID_REFRESH_TOKEN",
      );
    }
    const fresh = await server.post("/auth/refresh", { refreshToken: res.body.refreshToken });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
  });

  it("a pending (unverified) user who resets becomes active with emailVerified true", async () => {
    const { email, userId } = await registerPending(server, "pending");
    const token = await issueLink(email);
    const res = await server.post("/auth/reset-password", { token, password: NEW_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.user).toMatchObject({ id: userId, status: "active", emailVerified: true });
    const stored = await server.runtime.deps.stores.users.findById(userId);
    expect(stored?.status).toBe("active");
    expect(stored?.emailVerifiedAt).not.toBeNull();
    expect(await server.runtime.deps.stores.codes.find(userId, "email")).toBeNull();
    await loginOk(server, email, NEW_PASSWORD);
  });

  it("a used or unknown token: 400 INVALID_TOKEN", async () => {
    const { email } = await registerActive(server, "used");
    const token = await issueLink(email);
    expect(
      (await server.post("/auth/reset-password", { token, password: NEW_PASSWORD })).status,
    ).toBe(200);
    expectError(
      await server.post("/auth/reset-password", { token, password: "yet another password" }),
      400,
      "INVALID_TOKEN",
    );
    await expectPassword(email, NEW_PASSWORD, "yet another password");
    const unknown = { token: "A".repeat(43), password: NEW_PASSWORD };
    expectError(await server.post("/auth/reset-password", unknown), 400, "INVALID_TOKEN");
  });

  it("an expired token (past RESET_TOKEN_TTL, 15m): 400 INVALID_TOKEN", async () => {
    const { email } = await registerActive(server, "expired");
    const token = await issueLink(email);
    server.clock.advance(15 * 60 + 1);
    expectError(
      await server.post("/auth/reset-password", { token, password: NEW_PASSWORD }),
      400,
      "INVALID_TOKEN",
    );
    await expectPassword(email, PASSWORD, NEW_PASSWORD);
  });

  it("a wrong code: 400 INVALID_TOKEN", async () => {
    const { email } = await registerActive(server, "wrong");
    const code = await issueCode(email);
    expectError(
      await server.post("/auth/reset-password", {
        email,
        code: otherCode(code),
        password: NEW_PASSWORD,
      }),
      400,
      "INVALID_TOKEN",
    );
  });

  it("CODE_MAX_ATTEMPTS (5) wrong codes: 429 TOO_MANY_ATTEMPTS, then the right code is refused too", async () => {
    const { email } = await registerActive(server, "burn");
    const code = await issueCode(email);
    const wrong = { email, code: otherCode(code), password: NEW_PASSWORD };
    for (let i = 1; i <= 4; i++) {
      expectError(await server.post("/auth/reset-password", wrong), 400, "INVALID_TOKEN");
    }
    expectError(await server.post("/auth/reset-password", wrong), 429, "TOO_MANY_ATTEMPTS");
    expectError(
      await server.post("/auth/reset-password", { email, code, password: NEW_PASSWORD }),
      429,
      "TOO_MANY_ATTEMPTS",
    );
    await expectPassword(email, PASSWORD, NEW_PASSWORD);
  });

  it("an expired code (past EMAIL_CODE_TTL, 10m): 400 INVALID_TOKEN", async () => {
    const { email } = await registerActive(server, "code-expired");
    const code = await issueCode(email);
    server.clock.advance(10 * 60 + 1);
    expectError(
      await server.post("/auth/reset-password", { email, code, password: NEW_PASSWORD }),
      400,
      "INVALID_TOKEN",
    );
  });

  it("a user blocked after the token was issued: 403 ACCOUNT_BLOCKED, password unchanged", async () => {
    const { email, userId } = await registerActive(server, "blocked");
    const token = await issueLink(email);
    const stores = server.runtime.deps.stores;
    const before = await stores.users.update(userId, { status: "blocked" }, server.clock());
    expectError(
      await server.post("/auth/reset-password", { token, password: NEW_PASSWORD }),
      403,
      "ACCOUNT_BLOCKED",
    );
    const after = await stores.users.findById(userId);
    expect(after?.passwordHash).toBe(before?.passwordHash);
    expect(after?.status).toBe("blocked");
    // The old password is still the one proven: status is told only after it.
    expectError(
      await server.post("/auth/login", { email, password: PASSWORD }),
      403,
      "ACCOUNT_BLOCKED",
    );
  });

  it("neither password nor newPassword: 400 VALIDATION_FAILED", async () => {
    const { email } = await registerActive(server, "nopass");
    const token = await issueLink(email);
    expectFieldError(await server.post("/auth/reset-password", { token }), "password");
    expect(
      (await server.post("/auth/reset-password", { token, password: NEW_PASSWORD })).status,
    ).toBe(200);
  });

  it("neither token nor email + code: 400 VALIDATION_FAILED", async () => {
    for (const body of [{}, { email: "x@latchkey.test" }, { code: "123456" }]) {
      const res = await server.post("/auth/reset-password", { ...body, password: NEW_PASSWORD });
      expectError(res, 400, "VALIDATION_FAILED");
    }
  });

  it("a password-changed notice is mailed after the reset", async () => {
    const { email } = await registerActive(server, "notice");
    const token = await issueLink(email);
    expect(
      (await server.post("/auth/reset-password", { token, password: NEW_PASSWORD })).status,
    ).toBe(200);
    const notice = await server.smtp.waitForMail(
      (m) => m.to.includes(email) && /password was changed/i.test(m.subject),
    );
    expect(notice.text).not.toContain(NEW_PASSWORD);
    expect(notice.text).not.toContain(token);
  });

  it.skipIf(store.name !== "PostgreSQL")(
    "10 concurrent resets with one token: exactly one 200, the rest 400 INVALID_TOKEN",
    async () => {
      const { email } = await registerActive(server, "race");
      const token = await issueLink(email);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          server.post("/auth/reset-password", { token, password: `${NEW_PASSWORD} ${i}` }),
        ),
      );
      const winners = answers.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of answers.filter((a) => a.status !== 200)) {
        expectError(loser, 400, "INVALID_TOKEN");
      }
      const index = answers.indexOf(winners[0]!);
      await loginOk(server, email, `${NEW_PASSWORD} ${index}`);
    },
  );
});
