import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../../src/errors.js";
import { describeEachStore } from "../../../test/helpers/stores.js";
import { freePort, type TestServer } from "../../../test/helpers/test-server.js";
import { type Answer, FRAMEWORKS, type GuardedApp } from "./apps.js";
import { AUDIENCE, issuerOf, mintTokens, startLatchkey, type Tokens } from "./support.js";

// Each framework's middleware against a real Latchkey: its tokens, and forgeries of them.
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectRefusal(res: Answer, status: number, code: keyof typeof ERROR_CODES): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  // The server's own envelope, code and message: one vocabulary for every Latchkey answer.
  expect(res.body).toEqual({ success: false, code, message: ERROR_CODES[code].message });
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
}

function expectInvalidToken(res: Answer): void {
  expectRefusal(res, 401, "UNAUTHORIZED");
  expect(res.headers.get("www-authenticate")).toBe(
    'Bearer realm="latchkey", error="invalid_token"',
  );
}

describeEachStore("@latchkey/node middleware", (store) => {
  let server: TestServer;
  let tokens: Tokens;
  const apps = new Map<string, GuardedApp>();
  beforeAll(async () => {
    server = await startLatchkey(store);
    tokens = await mintTokens(server);
    const setup = {
      base: { issuer: issuerOf(server), audience: AUDIENCE },
      deadJwksUrl: `http://127.0.0.1:${await freePort()}/.well-known/jwks.json`,
    };
    for (const make of FRAMEWORKS) {
      const app = await make(setup);
      apps.set(app.name, app);
    }
  });
  afterAll(async () => {
    for (const app of apps.values()) await app.close();
    await server?.close();
  });

  for (const name of ["express", "fastify", "hono", "web Request"]) {
    describe(name, () => {
      const call = (path: string, headers?: Record<string, string>) =>
        (apps.get(name) as GuardedApp).call(path, headers);

      it("accepts a good token and hands the route a typed auth", async () => {
        const res = await call("/notes", bearer(tokens.user));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.auth).toEqual({
          sub: expect.any(String),
          email: expect.stringMatching(/@notes\.example$/),
          role: "user",
          aal: "aal1",
          amr: ["pwd"],
          sid: expect.any(String),
          exp: expect.any(Number),
        });
      });

      it("refuses a request without a token: 401, WWW-Authenticate without an error", async () => {
        const res = await call("/notes");
        expectRefusal(res, 401, "UNAUTHORIZED");
        expect(res.headers.get("www-authenticate")).toBe('Bearer realm="latchkey"');
        expectInvalidToken(await call("/notes", { authorization: `Basic ${btoa("a:b")}` }));
      });

      const forgeries = [
        ["expired", "expired"],
        ["wrong-audience", "wrongAudience"],
        ["wrong-issuer", "wrongIssuer"],
        ["alg-none", "algNone"],
        ["HS256 keyed with the public key", "hs256"],
        ["badly signed", "badSignature"],
        ["not-an-access-token (typ JWT)", "idToken"],
      ] as const;
      for (const [label, key] of forgeries) {
        it(`refuses a ${label} token: 401 invalid_token`, async () => {
          expectInvalidToken(await call("/notes", bearer(tokens[key])));
        });
      }

      it("refuses a user on an admin route (403 FORBIDDEN) and lets an admin in", async () => {
        expectRefusal(await call("/admin", bearer(tokens.user)), 403, "FORBIDDEN");
        const res = await call("/admin", bearer(tokens.admin));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.auth.role).toBe("admin");
      });

      it("refuses an aal1 session on an aal2 route (403 MFA_REQUIRED), admin or not", async () => {
        expectRefusal(await call("/sensitive", bearer(tokens.user)), 403, "MFA_REQUIRED");
        expectRefusal(await call("/sensitive", bearer(tokens.admin)), 403, "MFA_REQUIRED");
        const res = await call("/sensitive", bearer(tokens.aal2));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.auth).toMatchObject({ aal: "aal2", amr: expect.arrayContaining(["otp"]) });
      });

      it("reads Latchkey's accessToken cookie only where asked to", async () => {
        const cookie = { cookie: `theme=dark; accessToken=${tokens.user}` };
        expect((await call("/cookie", cookie)).status).toBe(200);
        expect((await call("/cookie", bearer(tokens.user))).status).toBe(200);
        expectInvalidToken(await call("/cookie", { cookie: `accessToken=${tokens.expired}` }));
        const bearerOnly = await call("/notes", cookie);
        expectRefusal(bearerOnly, 401, "UNAUTHORIZED");
      });

      it("answers 503 UNAVAILABLE with Retry-After when Latchkey's keys cannot be fetched", async () => {
        const res = await call("/down", bearer(tokens.user));
        expectRefusal(res, 503, "UNAVAILABLE");
        expect(res.headers.get("retry-after")).toBe("5");
      });
    });
  }

  it("fastify: a route with config.latchkey false stays public", async () => {
    const res = await (apps.get("fastify") as GuardedApp).call("/public");
    expect(res).toMatchObject({ status: 200, body: { public: true } });
  });
});
