import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../../src/errors.js";
import { ACCESS_COOKIE as SERVER_ACCESS_COOKIE } from "../../../src/http/cookies.js";
import { describeEachStore } from "../../../test/helpers/stores.js";
import type { TestServer } from "../../../test/helpers/test-server.js";
import { REFUSALS } from "../src/errors.js";
import { requireAuth } from "../src/express.js";
import { latchkeyAuth } from "../src/fastify.js";
import { createAuthenticator } from "../src/guard.js";
import { requireAuth as honoAuth } from "../src/hono.js";
import { ACCESS_COOKIE, presentedToken } from "../src/token.js";
import { createVerifier, defaultJwksUrl, verifyAccessToken } from "../src/verify.js";
import { AUDIENCE, forgedWithServerKey, issuerOf, startLatchkey, userToken } from "./support.js";

describe("@latchkey/node's pieces", () => {
  it("answers with the server's codes, statuses and messages", () => {
    for (const [code, refusal] of Object.entries(REFUSALS)) {
      expect(ERROR_CODES[code as keyof typeof ERROR_CODES], code).toEqual(refusal);
    }
  });

  it("reads the cookie Latchkey's cookie mode sets", () => {
    expect(ACCESS_COOKIE).toBe(SERVER_ACCESS_COOKIE);
  });

  it("finds the JWKS below the issuer, its path included", () => {
    expect(defaultJwksUrl("https://auth.example.com").href).toBe(
      "https://auth.example.com/.well-known/jwks.json",
    );
    expect(defaultJwksUrl("https://example.com/auth/").href).toBe(
      "https://example.com/auth/.well-known/jwks.json",
    );
  });

  it("takes the Bearer header first, a cookie only when asked, and nothing malformed", () => {
    const cookie = "a=1; accessToken=t.o.k; mine=m.i.ne";
    expect(presentedToken("Bearer h.e.ad", cookie, { cookie: true })).toBe("h.e.ad");
    expect(presentedToken("bearer  h.e.ad ", null, {})).toBe("h.e.ad");
    expect(presentedToken(undefined, cookie, {})).toBeNull();
    expect(presentedToken(undefined, cookie, { cookie: true })).toBe("t.o.k");
    expect(presentedToken(undefined, cookie, { cookie: "mine" })).toBe("m.i.ne");
    expect(presentedToken(undefined, "accessToken=%E0%A4%A", { cookie: true })).toBeNull();
    expect(presentedToken(undefined, "accessToken=", { cookie: true })).toBeNull();
    expect(presentedToken("Bearer two words", null, {})).toBeNull();
    expect(presentedToken("Basic dXNlcjpwYXNz", cookie, { cookie: true })).toBeNull();
  });
});

describeEachStore("verifyAccessToken against Latchkey", (store) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startLatchkey(store);
    token = await userToken(server);
  });
  afterAll(() => server?.close());
  const options = () => ({ issuer: issuerOf(server), audience: AUDIENCE });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error,
    );

  it("accepts any one of several audiences, and checks roles and aal given as options", async () => {
    const billing = { ...options(), audience: ["https://billing.example", "https://x.example"] };
    await expect(verifyAccessToken(token, billing)).resolves.toMatchObject({ role: "user" });
    const admins = { ...options(), roles: ["admin"] };
    expect(await refusal(verifyAccessToken(token, admins))).toMatchObject({ code: "FORBIDDEN" });
    const either = { ...options(), roles: ["admin", "user"], aal: "aal1" as const };
    await expect(verifyAccessToken(token, either)).resolves.toMatchObject({ aal: "aal1" });
  });

  it("refuses a token of Latchkey's key without the claims Latchkey writes", async () => {
    for (const changes of [{ aal: "aal3" }, { amr: [] }, { role: 7 }, { sid: undefined }]) {
      const forged = await forgedWithServerKey(server, token, changes);
      expect(
        await refusal(verifyAccessToken(forged, options())),
        JSON.stringify(changes),
      ).toMatchObject({ status: 401, code: "UNAUTHORIZED", reason: "invalid" });
    }
  });

  it("refuses an empty, oversized or garbled token before any key is fetched", async () => {
    const verify = createVerifier(options());
    expect(await refusal(verify(""))).toMatchObject({ status: 401, reason: "missing" });
    expect(await refusal(verify(`${token}${"A".repeat(9000)}`))).toMatchObject({
      reason: "invalid",
    });
    expect(await refusal(verify("not a token"))).toMatchObject({ reason: "invalid" });
  });

  it("answers 401, never 503 or a crash, for crafted headers and bodies", async () => {
    const verify = createVerifier(options());
    const b = (value: unknown) =>
      Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
    const head = { alg: "EdDSA", typ: "at+jwt" };
    const crafted = [
      `${b({ ...head, kid: 5 })}.${b({})}.AAAA`,
      `${b({ ...head, alg: 5 })}.${b({})}.AAAA`,
      `${b([1])}.${b({})}.AAAA`,
      `${b("null")}.${b({})}.AAAA`,
      `${b(head)}.${b([1])}.AAAA`,
      `${b({ ...head, crit: ["x"], x: 1 })}.${b({})}.AAAA`,
      `${b({ ...head, crit: ["b64"], b64: false })}.${b({})}.AAAA`,
      `${b({ ...head, typ: 5 })}.${b({})}.AAAA`,
      `${b(head)}.${b({})}`,
      "!!!.???.***",
    ];
    for (const token of crafted) {
      expect(await refusal(verify(token)), token).toMatchObject({ status: 401, reason: "invalid" });
    }
  });

  it("tells an expired token apart for the logs, and honours an injected clock", async () => {
    const later = () => new Date(Date.now() + 16 * 60 * 1000);
    const verify = createVerifier({ ...options(), clock: later });
    expect(await refusal(verify(token))).toMatchObject({ status: 401, reason: "expired" });
  });

  it("answers 503 when the keys' address answers anything but a key set", async () => {
    for (const path of ["/nowhere.json", "/healthz"]) {
      const verify = createVerifier({ ...options(), jwksUrl: `${server.url}${path}` });
      expect(await refusal(verify(token)), path).toMatchObject({
        status: 503,
        code: "UNAVAILABLE",
        headers: { "retry-after": "5" },
      });
    }
  });
});

describe("a requirement no token can meet", () => {
  const options = { issuer: "https://auth.example", audience: AUDIENCE, aal: "aal3" as "aal2" };
  it("stops the app at start, in every middleware", async () => {
    expect(() => createVerifier(options)).toThrow(/unknown aal "aal3"/);
    expect(() => createAuthenticator(options)).toThrow(TypeError);
    expect(() => requireAuth(options)).toThrow(TypeError);
    expect(() => honoAuth(options)).toThrow(TypeError);
    await expect(Fastify().register(latchkeyAuth, options).ready()).rejects.toThrow(TypeError);
    const app = Fastify();
    await app.register(latchkeyAuth, { issuer: options.issuer, audience: AUDIENCE });
    expect(() =>
      app.get("/x", { config: { latchkey: { aal: "aal3" as "aal2" } } }, async () => ({})),
    ).toThrow(TypeError);
    await app.close();
  });
});
