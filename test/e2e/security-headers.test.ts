import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { type JsonResponse, startTestServer, type TestServer } from "../helpers/test-server.js";
import { expectError, loginOk, PASSWORD, registerActive, setCookies, signedIn } from "./support.js";

// A server starts in about 2 s, but far slower on a loaded machine (PGlite compiles its WASM).
const START_TIMEOUT_MS = 90_000;

const APP_ORIGIN = "https://app.example.com";
const EVIL_ORIGIN = "https://evil.example";

function expectApiHeaders(headers: Headers): void {
  expect(headers.get("x-content-type-options")).toBe("nosniff");
  const csp = headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(headers.get("referrer-policy")).toBe("no-referrer");
  const framing = headers.get("x-frame-options") !== null || csp.includes("frame-ancestors 'none'");
  expect(framing).toBe(true);
}

describe("security headers, CORS and the cross-site cookie rule", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { CORS_ORIGINS: APP_ORIGIN } });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  /** A signed-in user's cookie header, as a browser would send it back. */
  async function signIn(tag: string) {
    const { email, res, accessToken } = await signedIn(server, tag);
    const cookies = setCookies(res);
    const cookie = ["accessToken", "refreshToken"]
      .map((name) => `${name}=${cookies.get(name)?.value}`)
      .join("; ");
    return { email, cookie, accessToken };
  }

  const me = (cookie: string) => server.get("/auth/me", { cookie });

  function expectCrossSiteRefused(res: JsonResponse): void {
    expectError(res, 403, "FORBIDDEN");
  }

  describe("helmet", () => {
    it("sets the API headers on successes", async () => {
      expectApiHeaders((await server.get("/healthz")).headers);
      expectApiHeaders((await server.get("/.well-known/jwks.json")).headers);
    });

    it("sets the API headers on errors too", async () => {
      expectApiHeaders((await server.post("/auth/login", { email: "x" })).headers);
      expectApiHeaders((await server.post("/auth/login", "{not json")).headers);
      expectApiHeaders(
        (await server.post("/auth/login", { email: "a@b.test", password: "x" })).headers,
      );
    });

    // The not-found handler must sit in the scope that adds the headers, or a 404 goes out bare.
    it("sets the API headers on 404 NOT_FOUND", async () => {
      const res = await server.get("/no/such/route");
      expectError(res, 404, "NOT_FOUND");
      expectApiHeaders(res.headers);
    });

    it("gives /docs its own CSP allowing its own scripts", async () => {
      const res = await fetch(`${server.url}/docs`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toMatch(/script-src [^;]*'self'/);
      expect(csp).not.toContain("default-src 'none'");
      expect(csp).not.toMatch(/https?:\/\//);
    });
  });

  describe("CORS", () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/auth/login`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });

    it("answers a preflight from an allowlisted origin, with credentials", async () => {
      const res = await preflight(APP_ORIGIN);
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    });

    it("gives no allow-origin to another origin", async () => {
      const res = await preflight(EVIL_ORIGIN);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      const actual = await server.post(
        "/auth/login",
        { email: "a@b.test", password: "x" },
        {
          origin: EVIL_ORIGIN,
        },
      );
      expect(actual.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("lets the allowlisted origin read actual responses", async () => {
      const res = await server.get("/healthz", { origin: APP_ORIGIN });
      expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    });
  });

  describe("state-changing requests authenticated by cookie", () => {
    it("refuses logout from a foreign Origin; the session still works", async () => {
      const { cookie } = await signIn("csrf-logout");
      expectCrossSiteRefused(
        await server.post("/auth/logout", undefined, { cookie, origin: EVIL_ORIGIN }),
      );
      expect((await me(cookie)).status).toBe(200);
      const refreshed = await server.post("/auth/refresh", undefined, {
        cookie,
        origin: APP_ORIGIN,
      });
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    });

    it("refuses refresh from a foreign Origin; the refresh token is not spent", async () => {
      const { cookie } = await signIn("csrf-refresh");
      expectCrossSiteRefused(
        await server.post("/auth/refresh", undefined, { cookie, origin: EVIL_ORIGIN }),
      );
      const res = await server.post("/auth/refresh", undefined, { cookie, origin: APP_ORIGIN });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });

    it("refuses change-password from a foreign Origin; the password is unchanged", async () => {
      const { email, cookie } = await signIn("csrf-change");
      const body = { currentPassword: PASSWORD, newPassword: "a hijacked new passphrase" };
      expectCrossSiteRefused(
        await server.post("/auth/change-password", body, { cookie, origin: EVIL_ORIGIN }),
      );
      await loginOk(server, email, PASSWORD);
      expect((await me(cookie)).status).toBe(200);
    });

    it("refuses Sec-Fetch-Site: cross-site without an Origin", async () => {
      const { cookie } = await signIn("csrf-fetch-site");
      const headers = { cookie, "sec-fetch-site": "cross-site" };
      expectCrossSiteRefused(await server.post("/auth/logout", undefined, headers));
      expectCrossSiteRefused(await server.post("/auth/refresh", undefined, headers));
      expect((await me(cookie)).status).toBe(200);
    });

    it("refuses the opaque Origin: null (sandboxed frames, some redirects)", async () => {
      const { cookie } = await signIn("csrf-null");
      expectCrossSiteRefused(
        await server.post("/auth/logout", undefined, { cookie, origin: "null" }),
      );
      expect((await me(cookie)).status).toBe(200);
    });

    it("allows the allowlisted origin, and same-origin fetch metadata", async () => {
      const { cookie } = await signIn("csrf-allowed");
      const body = { currentPassword: PASSWORD, newPassword: "a properly chosen passphrase" };
      const res = await server.post("/auth/change-password", body, { cookie, origin: APP_ORIGIN });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const sameOrigin = await server.post("/auth/logout", undefined, {
        cookie,
        "sec-fetch-site": "same-origin",
      });
      expect(sameOrigin.status, JSON.stringify(sameOrigin.body)).toBe(200);
    });

    it("does not refuse a Bearer-authenticated request with a foreign Origin", async () => {
      const { email, accessToken } = await signIn("csrf-bearer");
      const body = { currentPassword: PASSWORD, newPassword: "a bearer chosen passphrase" };
      const res = await server.post("/auth/change-password", body, {
        authorization: `Bearer ${accessToken}`,
        origin: EVIL_ORIGIN,
        "sec-fetch-site": "cross-site",
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await loginOk(server, email, "a bearer chosen passphrase");
    });

    it("does not refuse a cookie-free POST with a foreign Origin (login)", async () => {
      const { email } = await registerActive(server, "csrf-login");
      const headers = { origin: EVIL_ORIGIN, "sec-fetch-site": "cross-site" };
      const res = await server.post("/auth/login", { email, password: PASSWORD }, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const wrong = await server.post("/auth/login", { email, password: "wrong!!!!" }, headers);
      expectError(wrong, 401, "INVALID_CREDENTIALS");
    });

    // The gate reads cookie names as the routes do: `refreshToken =x` is the refresh cookie.
    it("refuses a session cookie whose name is padded with spaces", async () => {
      const { cookie } = await signIn("csrf-padded");
      const padded = cookie.replaceAll("=", " =").replace("accessToken", " accessToken");
      expectCrossSiteRefused(
        await server.post("/auth/logout", undefined, { cookie: padded, origin: EVIL_ORIGIN }),
      );
      expectCrossSiteRefused(
        await server.post("/auth/refresh", undefined, { cookie: padded, origin: EVIL_ORIGIN }),
      );
      const res = await server.post("/auth/refresh", undefined, { cookie, origin: APP_ORIGIN });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });

    it("does not take another cookie's name for a session cookie", async () => {
      const { email } = await registerActive(server, "csrf-lookalike");
      const res = await server.post(
        "/auth/login",
        { email, password: PASSWORD },
        { cookie: "myaccessToken=1; xrefreshToken=2", origin: EVIL_ORIGIN },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });

    it("leaves safe methods alone: GET /auth/me by cookie from a foreign Origin", async () => {
      const { cookie } = await signIn("csrf-get");
      expect((await server.get("/auth/me", { cookie, origin: EVIL_ORIGIN })).status).toBe(200);
    });
  });
});
