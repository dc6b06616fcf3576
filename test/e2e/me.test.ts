import { randomUUID } from "node:crypto";
import {
  type CryptoKey,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { expectError, expectUser, registerActive, signedIn } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Forged {
  key?: CryptoKey | Uint8Array;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  iss?: string;
  /** The session the token names; default: none live. */
  sid?: string | undefined;
}

describeEachStore("GET /auth/me and the access token", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  const issuer = () => server.runtime.deps.config.publicUrl;

  async function signedInWithSid(tag: string) {
    const user = await signedIn(server, tag);
    return { ...user, sid: decodeJwt(user.accessToken).sid as string };
  }

  /**
   * An access token made outside the service with the server's own signing key unless
   * told otherwise, so each refusal below differs from a valid token in one thing only.
   */
  async function forge(userId: string, email: string, opts: Forged = {}): Promise<string> {
    const [record] = await server.runtime.deps.stores.keys.listPublished(server.clock());
    if (!record) throw new Error("no signing key in the store");
    const key = opts.key ?? (await importJWK(record.privateJwk, "EdDSA"));
    const now = Math.floor(server.clock().getTime() / 1000);
    const claims = {
      email,
      role: "user",
      sid: opts.sid ?? randomUUID(),
      aud: server.runtime.deps.config.accessTokenAudience[0],
      client_id: "latchkey",
      aal: "aal1",
      amr: ["pwd"],
      ...opts.claims,
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: record.kid, ...opts.header })
      .setSubject(userId)
      .setIssuer(opts.iss ?? issuer())
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .setJti(randomUUID())
      .sign(key);
  }

  describe("accepted", () => {
    it("a Bearer token: 200 {user}, no-store", async () => {
      const { accessToken, userId, email } = await signedInWithSid("bearer");
      const res = await server.get("/auth/me", bearer(accessToken));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.success).toBe(true);
      expectUser(res.body.user);
      expect(res.body.user).toMatchObject({ id: userId, email, status: "active", role: "user" });
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-request-id")).toMatch(UUID);
    });

    it("the accessToken cookie", async () => {
      const { accessToken, userId } = await signedInWithSid("cookie");
      const res = await server.get("/auth/me", { cookie: `accessToken=${accessToken}` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user.id).toBe(userId);
    });

    it("a token forged with the server's own key and claims (control for the refusals below)", async () => {
      const { userId, email, sid } = await signedInWithSid("control");
      const res = await server.get("/auth/me", bearer(await forge(userId, email, { sid })));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });
  });

  describe("refused with 401 UNAUTHORIZED", () => {
    it("no token, a garbage token, a non-Bearer scheme", async () => {
      expectError(await server.get("/auth/me"), 401, "UNAUTHORIZED");
      expectError(await server.get("/auth/me", bearer("garbage")), 401, "UNAUTHORIZED");
      expectError(await server.get("/auth/me", bearer("a.b.c")), 401, "UNAUTHORIZED");
      expectError(
        await server.get("/auth/me", { authorization: "Basic dXNlcjpwYXNz" }),
        401,
        "UNAUTHORIZED",
      );
      expectError(
        await server.get("/auth/me", { cookie: "accessToken=garbage" }),
        401,
        "UNAUTHORIZED",
      );
    });

    it("a token signed by another key under the server's kid, or under an unknown kid", async () => {
      const { userId, email, sid } = await signedInWithSid("otherkey");
      const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
      const foreign = await forge(userId, email, { sid, key: privateKey });
      expectError(await server.get("/auth/me", bearer(foreign)), 401, "UNAUTHORIZED");
      const unknownKid = await forge(userId, email, {
        sid,
        header: { kid: "not-a-published-kid" },
      });
      expectError(await server.get("/auth/me", bearer(unknownKid)), 401, "UNAUTHORIZED");
    });

    it("a wrong issuer, a wrong typ, alg none, an HS256 token keyed with the public JWK", async () => {
      const { userId, email, sid } = await signedInWithSid("claims");
      const wrongIss = await forge(userId, email, { sid, iss: "https://evil.example" });
      expectError(await server.get("/auth/me", bearer(wrongIss)), 401, "UNAUTHORIZED");
      const wrongTyp = await forge(userId, email, { sid, header: { typ: "JWT" } });
      expectError(await server.get("/auth/me", bearer(wrongTyp)), 401, "UNAUTHORIZED");

      const valid = await forge(userId, email, { sid });
      const [, payload] = valid.split(".");
      const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${payload}.`;
      expectError(await server.get("/auth/me", bearer(none)), 401, "UNAUTHORIZED");

      const jwks = (await server.get("/.well-known/jwks.json")).body;
      const publicX = new TextEncoder().encode(jwks.keys[0].x);
      const confused = await new SignJWT({ email, role: "user", sid })
        .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: jwks.keys[0].kid })
        .setSubject(userId)
        .setIssuer(issuer())
        .setIssuedAt()
        .setExpirationTime("15m")
        .setJti(randomUUID())
        .sign(publicX);
      expectError(await server.get("/auth/me", bearer(confused)), 401, "UNAUTHORIZED");
    });

    it("an expired token (ACCESS_TOKEN_TTL 15 min + 1 s)", async () => {
      const { accessToken } = await signedInWithSid("expired");
      server.clock.advance(901);
      expectError(await server.get("/auth/me", bearer(accessToken)), 401, "UNAUTHORIZED");
    });

    it("a valid token for a user that does not exist", async () => {
      const ghost = await forge(randomUUID(), "ghost@latchkey.test");
      expectError(await server.get("/auth/me", bearer(ghost)), 401, "UNAUTHORIZED");
    });
  });

  it("a blocked user's still-valid token: 403 ACCOUNT_BLOCKED", async () => {
    const { accessToken, userId } = await signedInWithSid("blocked");
    await server.runtime.deps.stores.users.update(userId, { status: "blocked" }, server.clock());
    expectError(await server.get("/auth/me", bearer(accessToken)), 403, "ACCOUNT_BLOCKED");
  });

  describe("the token itself", () => {
    it("has typ at+jwt, alg EdDSA and a kid published in the JWKS", async () => {
      const { accessToken } = await signedInWithSid("header");
      const header = decodeProtectedHeader(accessToken);
      expect(header).toMatchObject({ alg: "EdDSA", typ: "at+jwt" });
      const jwks = await server.get("/.well-known/jwks.json");
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
      for (const key of jwks.body.keys) {
        expect(key).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
        expect(typeof key.kid).toBe("string");
        expect(key.d).toBeUndefined();
      }
    });

    it("carries sub, email, role, iat, exp, iss and jti", async () => {
      const { accessToken, userId, email } = await signedInWithSid("claims-set");
      const claims = decodeJwt(accessToken);
      const now = Math.floor(server.clock().getTime() / 1000);
      expect(claims).toMatchObject({ sub: userId, email, role: "user", iss: issuer() });
      expect(claims.iat).toBe(now);
      expect(claims.exp).toBe(now + 900);
      expect(claims.jti).toMatch(UUID);
      expect(JSON.stringify(claims)).not.toMatch(/password|\$argon2/);
    });

    it("verifies with jose against the published JWKS", async () => {
      const { accessToken, userId } = await signedInWithSid("jose");
      const jwks = createLocalJWKSet((await server.get("/.well-known/jwks.json")).body);
      const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, {
        issuer: issuer(),
        typ: "at+jwt",
        algorithms: ["EdDSA"],
        currentDate: server.clock(),
      });
      expect(payload.sub).toBe(userId);
      expect(protectedHeader.alg).toBe("EdDSA");
    });
  });
});

describeEachStore("access tokens with JWT_SECRET", (store) => {
  const secret = "an-hs256-secret-of-at-least-32-characters!";
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, env: { JWT_SECRET: secret } });
  });
  afterAll(() => server?.close());

  it("signs HS256 tokens that /auth/me accepts and the secret verifies", async () => {
    const { userId, res } = await signedIn(server, "hs256");
    const { body } = res;
    expect(decodeProtectedHeader(body.accessToken)).toMatchObject({ alg: "HS256", typ: "at+jwt" });
    const { payload } = await jwtVerify(body.accessToken, new TextEncoder().encode(secret), {
      issuer: server.runtime.deps.config.publicUrl,
      algorithms: ["HS256"],
      currentDate: server.clock(),
    });
    expect(payload.sub).toBe(userId);
    const me = await server.get("/auth/me", bearer(body.accessToken));
    expect(me.status, JSON.stringify(me.body)).toBe(200);
  });

  it("publishes no keys, and refuses tokens made with another secret", async () => {
    const jwks = await server.get("/.well-known/jwks.json");
    expect(jwks.status).toBe(200);
    expect(jwks.body).toEqual({ keys: [] });

    const { email, userId } = await registerActive(server, "hs256-other");
    const forged = await new SignJWT({ email, role: "user", sid: randomUUID() })
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: "hs256" })
      .setSubject(userId)
      .setIssuer(server.runtime.deps.config.publicUrl)
      .setIssuedAt(Math.floor(server.clock().getTime() / 1000))
      .setExpirationTime(Math.floor(server.clock().getTime() / 1000) + 900)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode("a-different-secret-also-32-characters-long"));
    expectError(await server.get("/auth/me", bearer(forged)), 401, "UNAUTHORIZED");
  });
});
