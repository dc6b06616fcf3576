import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import { type JsonResponse, startTestServer, type TestServer } from "../helpers/test-server.js";
import { expectError, loginOk, PASSWORD, registerUnverified, setCookies } from "./support.js";

const NEW_PASSWORD = "another long passphrase";

describeEachStore("sessions: logout, logout-all, change-password, /auth/sessions", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, env: { REQUIRE_EMAIL_VERIFICATION: "false" } });
  });
  afterAll(() => server?.close());

  const bearer = (res: JsonResponse) => ({ authorization: `Bearer ${res.body.accessToken}` });
  const refresh = (refreshToken: string) => server.post("/auth/refresh", { refreshToken });
  const expectDead = async (refreshToken: string) =>
    expectError(await refresh(refreshToken), 401, "INVALID_REFRESH_TOKEN");

  async function expectAlive(refreshToken: string): Promise<JsonResponse> {
    const res = await refresh(refreshToken);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res;
  }

  async function send(
    method: "DELETE" | "GET",
    path: string,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(server.url + path, { method, headers });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  }

  function expectCleared(res: JsonResponse): void {
    const cookies = setCookies(res);
    for (const [name, path] of [
      ["accessToken", "/"],
      ["refreshToken", "/auth"],
    ] as const) {
      const cookie = cookies.get(name);
      expect(cookie, `${name} is cleared`).toBeDefined();
      expect(cookie!.value).toBe("");
      expect(cookie!.attributes.get("path")).toBe(path);
      const maxAge = cookie!.attributes.get("max-age");
      const expires = cookie!.attributes.get("expires");
      const gone =
        maxAge === "0" || (typeof expires === "string" && Date.parse(expires) <= Date.now());
      expect(gone, `${name}: Max-Age=0 or Expires in the past`).toBe(true);
    }
  }

  it("logout with the token in the body: 200, both cookies cleared, token dead", async () => {
    const { res: first } = await registerUnverified(server, "logout-body");
    const res = await server.post("/auth/logout", { refreshToken: first.body.refreshToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.success).toBe(true);
    expectCleared(res);
    await expectDead(first.body.refreshToken);
  });

  it("logout with the refreshToken cookie: 200, both cookies cleared, token dead", async () => {
    const { res: first } = await registerUnverified(server, "logout-cookie");
    const res = await server.post("/auth/logout", undefined, {
      cookie: `refreshToken=${first.body.refreshToken}`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectCleared(res);
    await expectDead(first.body.refreshToken);
  });

  it("logout with an unknown token: 200", async () => {
    const res = await server.post("/auth/logout", { refreshToken: "z".repeat(43) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.success).toBe(true);
    expect((await server.post("/auth/logout", {})).status).toBe(200);
  });

  it("logout-all (Bearer): 200, every session of the user is dead", async () => {
    const { email, res: first } = await registerUnverified(server, "logout-all");
    const a = await loginOk(server, email);
    const b = await loginOk(server, email);
    const res = await server.post("/auth/logout-all", undefined, bearer(a));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    for (const session of [first, a, b]) await expectDead(session.body.refreshToken);
  });

  it("logout-all without a token: 401 UNAUTHORIZED", async () => {
    expectError(await server.post("/auth/logout-all", undefined), 401, "UNAUTHORIZED");
    expectError(
      await server.post("/auth/logout-all", undefined, { authorization: "Bearer nope" }),
      401,
      "UNAUTHORIZED",
    );
  });

  it("change-password: wrong current 401, too-short new 400, then 200 keeping only the calling session", async () => {
    const { email, res: first } = await registerUnverified(server, "change");
    const caller = await loginOk(server, email);
    const change = (body: object) => server.post("/auth/change-password", body, bearer(caller));

    expectError(
      await change({ currentPassword: "not my password", newPassword: NEW_PASSWORD }),
      401,
      "INVALID_CREDENTIALS",
    );
    expectError(
      await change({ currentPassword: PASSWORD, newPassword: "short" }),
      400,
      "VALIDATION_FAILED",
    );
    await expectAlive((await loginOk(server, email)).body.refreshToken);

    const res = await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.success).toBe(true);

    await expectDead(first.body.refreshToken);
    await expectAlive(caller.body.refreshToken);
    expectError(
      await server.post("/auth/login", { email, password: PASSWORD }),
      401,
      "INVALID_CREDENTIALS",
    );
    await loginOk(server, email, NEW_PASSWORD);
    const notice = await server.smtp.waitForMail(
      (m) => m.to.includes(email) && /password was changed/i.test(m.subject),
    );
    expect(notice.text).not.toContain(NEW_PASSWORD);
  });

  it("GET /auth/sessions lists live sessions with their fields and exactly one current", async () => {
    const { email } = await registerUnverified(server, "list");
    const a = (
      await server.post(
        "/auth/login",
        { email, password: PASSWORD },
        { "user-agent": "Agent-A/1.0" },
      )
    ).body;
    const b = await server.post(
      "/auth/login",
      { email, password: PASSWORD },
      { "user-agent": "Agent-B/2.0" },
    );
    expect(b.status).toBe(200);
    await server.post("/auth/logout", { refreshToken: b.body.refreshToken });

    const res = await server.get("/auth/sessions", { authorization: `Bearer ${a.accessToken}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const sessions = res.body.sessions as Array<Record<string, unknown>>;
    expect(sessions).toHaveLength(2); // registration and A; B was signed out
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(
        ["aal", "amr", "createdAt", "current", "id", "ip", "lastUsedAt", "userAgent"].sort(),
      );
      // Issue 15: the list shows how each session was proven.
      expect(session).toMatchObject({ aal: "aal1", amr: ["pwd"] });
      expect(new Date(session.createdAt as string).toISOString()).toBe(session.createdAt);
      expect(new Date(session.lastUsedAt as string).toISOString()).toBe(session.lastUsedAt);
      expect(session.ip).toBe("127.0.0.1");
    }
    const current = sessions.filter((s) => s.current === true);
    expect(current).toHaveLength(1);
    expect(current[0]!.userAgent).toBe("Agent-A/1.0");
    expect(JSON.stringify(res.body)).not.toContain(a.refreshToken);
  });

  it("DELETE /auth/sessions/:id ends that session only", async () => {
    const { email } = await registerUnverified(server, "delete");
    const a = await loginOk(server, email);
    const b = await server.post(
      "/auth/login",
      { email, password: PASSWORD },
      { "user-agent": "Agent-B" },
    );
    const listed = await server.get("/auth/sessions", bearer(a));
    const target = listed.body.sessions.find(
      (s: { userAgent: string }) => s.userAgent === "Agent-B",
    );
    expect(target).toBeDefined();

    const res = await send("DELETE", `/auth/sessions/${target.id}`, bearer(a));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectDead(b.body.refreshToken);
    await expectAlive(a.body.refreshToken);
    const after = await server.get("/auth/sessions", bearer(a));
    expect(after.body.sessions.map((s: { id: string }) => s.id)).not.toContain(target.id);
  });

  it("DELETE of another user's session or an unknown id: 404 NOT_FOUND; without a token: 401", async () => {
    const { email: mine } = await registerUnverified(server, "mine");
    const { email: theirs } = await registerUnverified(server, "theirs");
    const me = await loginOk(server, mine);
    const them = await loginOk(server, theirs);
    const theirSessions = await server.get("/auth/sessions", bearer(them));
    const theirId = theirSessions.body.sessions.find((s: { current: boolean }) => s.current).id;

    expectError(await send("DELETE", `/auth/sessions/${theirId}`, bearer(me)), 404, "NOT_FOUND");
    expectError(
      await send("DELETE", `/auth/sessions/${randomUUID()}`, bearer(me)),
      404,
      "NOT_FOUND",
    );
    expectError(await send("DELETE", "/auth/sessions/not-a-uuid", bearer(me)), 404, "NOT_FOUND");
    await expectAlive(them.body.refreshToken);

    expectError(await send("DELETE", `/auth/sessions/${theirId}`), 401, "UNAUTHORIZED");
    expectError(await send("GET", "/auth/sessions"), 401, "UNAUTHORIZED");
  });

  // Regression: a new session (then startSession, now issueSession) caps a stored user agent at 512 characters, but
  // refreshSession (src/domain/refresh.ts) stores client.userAgent uncapped on rotation.
  it("a refresh with a huge User-Agent is stored capped like a sign-in's (512 chars)", async () => {
    const { res: first } = await registerUnverified(server, "ua-cap");
    const huge = `Agent/${"x".repeat(4000)}`;
    const rotated = await server.post(
      "/auth/refresh",
      { refreshToken: first.body.refreshToken },
      { "user-agent": huge },
    );
    expect(rotated.status).toBe(200);
    const res = await server.get("/auth/sessions", bearer(rotated));
    const current = res.body.sessions.find((s: { current: boolean }) => s.current);
    expect(current.userAgent.length).toBeLessThanOrEqual(512);
  });
});
