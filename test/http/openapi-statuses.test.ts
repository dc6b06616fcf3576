import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/composition/sign-in-methods.js";
import { EVERY_ROUTE, NO_BODY_NOTE, operationKey } from "../../src/http/openapi-operations.js";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

type Operation = { operationId?: string; responses?: Record<string, unknown> };
type Paths = Record<string, Record<string, Operation>>;

const PASSWORD = "a long enough passphrase 42";
// Every limited action allows one request, so the second of each is refused.
const ONE_EACH = Object.fromEntries(
  ["REGISTER_IP", "LOGIN_IP", "VERIFY_IP", "RESEND_IP", "FORGOT_IP", "RESET_IP"].map((name) => [
    `RATE_LIMIT_${name}`,
    "1/1h",
  ]),
);

/** Routes of every rate-limited action, with a body that passes validation. */
const LIMITED: [path: string, body: Record<string, string>][] = [
  ["/auth/register", { email: "limits@example.com", password: PASSWORD }],
  ["/register", { email: "limits@example.com", password: PASSWORD }],
  ["/api/auth/sign-up", { email: "limits@example.com", password: PASSWORD }],
  ["/auth/login", { email: "limits@example.com", password: PASSWORD }],
  ["/login", { email: "limits@example.com", password: PASSWORD }],
  ["/auth/verify-email", { email: "limits@example.com", code: "123456" }],
  ["/api/auth/verify-code", { email: "limits@example.com", code: "123456" }],
  ["/auth/verify-email/resend", { email: "limits@example.com" }],
  ["/auth/forgot-password", { email: "limits@example.com" }],
  ["/forgot-password", { email: "limits@example.com" }],
  ["/api/auth/forget-password-mail", { email: "limits@example.com" }],
  ["/auth/reset-password", { email: "limits@example.com", code: "123456", password: PASSWORD }],
  ["/reset-password", { email: "limits@example.com", code: "123456", password: PASSWORD }],
  [
    "/api/auth/forget-password",
    { email: "limits@example.com", code: "123456", password: PASSWORD },
  ],
  ["/auth/reset-password/not-a-real-token", { password: PASSWORD }],
];

describe("the OpenAPI document lists every status a route answers", () => {
  let server: TestServer;
  let paths: Paths;
  const seen: { method: string; path: string; status: number }[] = [];
  const documented = (method: string, path: string, status: number) =>
    Boolean(paths[path]?.[method.toLowerCase()]?.responses?.[String(status)]);

  async function answer(method: string, path: string, init: RequestInit = {}) {
    const response = await fetch(server.url + path, { method, ...init });
    await response.arrayBuffer();
    seen.push({
      method,
      path: path.replace(/\?.*$/, "").replace(/\/not-a-real-token$/, "/{token}"),
      status: response.status,
    });
    return response.status;
  }

  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { RATE_LIMIT_ENABLED: "true", ...ONE_EACH, BODY_LIMIT: "4096" },
    });
    paths = (await server.get("/openapi.json")).body.paths;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("gives every operation a unique operationId from the table", () => {
    const ids: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = path.replace(/\{(\w+)\}/g, ":$1");
        expect(OPERATIONS[operationKey(method, url)], `${method} ${path}`).toBeDefined();
        expect(operation.operationId, `${method} ${path}`).toBeTruthy();
        ids.push(operation.operationId ?? "");
      }
    }
    expect(ids.length).toBeGreaterThan(30);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents the request body of every operation that writes, or says it takes none", () => {
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (method === "get") continue;
        const { requestBody, description = "" } = operation as Operation & {
          requestBody?: unknown;
          description?: string;
        };
        expect(requestBody ?? description.includes(NO_BODY_NOTE), `${method} ${path}`).toBeTruthy();
      }
    }
  });

  it("lists the statuses every route can answer on every operation", () => {
    for (const [path, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        for (const status of EVERY_ROUTE) expect(documented(method, path, status)).toBe(true);
      }
    }
  });

  it("lists 429 on every rate-limited route, as the limits answer", async () => {
    for (const [path, body] of LIMITED) {
      const init = {
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      };
      // The first request of an action may pass; the one after it is refused.
      if ((await answer("POST", path, init)) !== 429) {
        expect(await answer("POST", path, init)).toBe(429);
      }
    }
    expect(seen.filter((s) => s.status === 429).length).toBeGreaterThanOrEqual(LIMITED.length);
  });

  it("lists what the body reader answers: 413, 415, 400, and 403 of the cookie rule", async () => {
    const json = { "content-type": "application/json" };
    expect(await answer("POST", "/auth/logout", { headers: json, body: "x".repeat(8192) })).toBe(
      413,
    );
    expect(
      await answer("POST", "/auth/refresh", {
        headers: { "content-type": "text/plain" },
        body: "hi",
      }),
    ).toBe(415);
    expect(await answer("POST", "/auth/logout-all", { headers: json, body: "{" })).toBe(400);
    const crossSite = { ...json, origin: "https://evil.example", cookie: "refreshToken=x" };
    expect(await answer("POST", "/auth/register", { headers: crossSite, body: "{}" })).toBe(403);
    expect(await answer("GET", "/admin/users?limit=abc")).toBe(400);
  });

  it("documents each answer above", () => {
    const missing = seen.filter((s) => !documented(s.method, s.path, s.status));
    expect(missing).toEqual([]);
  });
});
