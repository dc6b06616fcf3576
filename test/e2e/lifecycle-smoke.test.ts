import { afterAll, beforeAll, expect, it } from "vitest";
import { extractCode } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

describeEachStore("lifecycle smoke", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store,
      env: { REQUIRE_EMAIL_VERIFICATION: "false", APP_URL: "https://app.example.com" },
    });
  });
  afterAll(() => server?.close());

  it("refresh, reuse, forgot by link and code, reset, logout", async () => {
    const reg = await server.post("/auth/register", {
      email: "lc@example.com",
      password: "first password",
    });
    expect(reg.status).toBe(201);
    const r1 = await server.post("/auth/refresh", { refreshToken: reg.body.refreshToken });
    expect(r1.status, JSON.stringify(r1.body)).toBe(200);
    const reuse = await server.post("/auth/refresh", { refreshToken: reg.body.refreshToken });
    expect(reuse.body.code).toBe("INVALID_REFRESH_TOKEN");
    const dead = await server.post("/auth/refresh", { refreshToken: r1.body.refreshToken });
    expect(dead.status).toBe(401);
    const cookieless = await fetch(`${server.url}/auth/refresh`, { method: "POST" });
    expect(cookieless.status).toBe(401);

    const f = await server.post("/auth/forgot-password", { email: "lc@example.com" });
    expect(f.status).toBe(202);
    const mail = await server.smtp.waitForMail((m) => m.subject.toLowerCase().includes("reset"));
    const link = /https:\/\/app\.example\.com\/password\/reset\/([A-Za-z0-9_-]+)/.exec(mail.text);
    expect(link).not.toBeNull();
    const mismatch = await server.post(`/auth/reset-password/${link![1]}`, {
      password: "second password",
      confirmPassword: "nope nope nope",
    });
    expect(mismatch.body.code).toBe("PASSWORD_MISMATCH");
    const reset = await server.post(`/reset-password?token=${link![1]}`, {
      newPassword: "second password",
    });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const again = await server.post("/auth/reset-password", {
      token: link![1],
      password: "third password",
    });
    expect(again.body.code).toBe("INVALID_TOKEN");

    server.clock.advance(120);
    server.smtp.clear();
    const fc = await server.post("/api/auth/forget-password-mail", { email: "lc@example.com" });
    expect(fc.status).toBe(202);
    const codeMail = await server.smtp.waitForMail((m) =>
      m.subject.toLowerCase().includes("reset"),
    );
    const done = await server.post("/api/auth/forget-password", {
      email: "lc@example.com",
      code: extractCode(codeMail),
      password: "fourth password",
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.token).toBe(done.body.accessToken);

    const sessions = await server.get("/auth/sessions", {
      authorization: `Bearer ${done.body.token}`,
    });
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions).toHaveLength(1);
    const out = await server.post("/auth/logout", { refreshToken: done.body.refreshToken });
    expect(out.status).toBe(200);
    expect(
      (await server.post("/auth/refresh", { refreshToken: done.body.refreshToken })).status,
    ).toBe(401);
  });
});
