import type { CryptoKey, JWTPayload } from "jose";
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import {
  type AccessClaims,
  type AccessTokens,
  createAccessTokens,
} from "../../src/crypto/access-tokens.js";
import { KeyRing } from "../../src/crypto/key-ring.js";
import { MemoryKeyStore } from "../helpers/memory-key-store.js";

const ISSUER = "https://auth.example.test";
const TTL = 900;
const NOW = 1_700_000_000;
const nowDate = (seconds = NOW) => new Date(seconds * 1000);
const SECRET = "a-test-secret-of-at-least-32-bytes-long!";
const CLAIMS = {
  sub: "user-1",
  email: "ada@example.test",
  role: "user" as const,
  sid: "family-1",
  aal: "aal1" as const,
  amr: ["pwd" as const],
};
const AUDIENCE = ["https://api.example.test"];

/** A token we did not issue, built by hand with whatever header, payload and key a test needs. */
async function forge(
  key: CryptoKey | Uint8Array,
  header: { alg: string; typ?: string; kid?: string },
  payload: JWTPayload = {},
): Promise<string> {
  return new SignJWT({
    email: CLAIMS.email,
    role: CLAIMS.role,
    sid: CLAIMS.sid,
    aal: CLAIMS.aal,
    amr: CLAIMS.amr,
    client_id: "latchkey",
    aud: AUDIENCE[0],
    ...payload,
  })
    .setProtectedHeader(header)
    .setSubject(CLAIMS.sub)
    .setIssuer(ISSUER)
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + TTL)
    .setJti("forged-jti")
    .sign(key);
}

/** Verifies, at NOW, a token forged as above. */
async function forged(
  tokens: AccessTokens,
  ...args: Parameters<typeof forge>
): Promise<AccessClaims | null> {
  return tokens.verify(await forge(...args), NOW);
}

function unsigned(header: Record<string, string>): string {
  const encode = (value: object) => base64url.encode(JSON.stringify(value));
  const payload = { ...CLAIMS, iss: ISSUER, iat: NOW, exp: NOW + TTL, jti: "x" };
  return `${encode(header)}.${encode(payload)}.`;
}

/** Flips one character in the middle of the signature (the last one may only hold padding bits). */
function tamperSignature(token: string): string {
  const [header, payload, signature = ""] = token.split(".");
  const at = Math.floor(signature.length / 2);
  const flipped = signature[at] === "A" ? "B" : "A";
  return `${header}.${payload}.${signature.slice(0, at)}${flipped}${signature.slice(at + 1)}`;
}

async function expectRoundTrip(tokens: AccessTokens, alg: string): Promise<void> {
  const { token, expiresIn } = await tokens.sign(CLAIMS, NOW);
  expect(expiresIn).toBe(TTL);
  const header = decodeProtectedHeader(token);
  expect(header).toMatchObject({ alg, typ: "at+jwt" });
  expect(typeof header.kid).toBe("string");
  const claims = await tokens.verify(token, NOW + 1);
  expect(claims).toEqual({
    ...CLAIMS,
    iss: ISSUER,
    aud: AUDIENCE[0],
    client_id: "latchkey",
    iat: NOW,
    exp: NOW + TTL,
    jti: claims?.jti,
  });
  expect(claims?.jti).toMatch(/^[0-9a-f-]{36}$/);
}

describe("HS256 mode (JWT_SECRET set)", () => {
  const tokens = createAccessTokens({
    issuer: ISSUER,
    audience: AUDIENCE,
    ttlSeconds: TTL,
    jwtSecret: SECRET,
  });
  const key = new TextEncoder().encode(SECRET);

  it("round-trips the claims", async () => {
    await expectRoundTrip(tokens, "HS256");
  });

  it("gives each token its own jti", async () => {
    const a = await tokens.verify((await tokens.sign(CLAIMS, NOW)).token, NOW);
    const b = await tokens.verify((await tokens.sign(CLAIMS, NOW)).token, NOW);
    expect(a?.jti).not.toBe(b?.jti);
  });

  it("publishes no keys", () => {
    expect(tokens.jwks()).toEqual({ keys: [] });
  });

  it("accepts the hand-built control token, so the refusals below are about one change each", async () => {
    expect(await forged(tokens, key, { alg: "HS256", typ: "at+jwt", kid: "hs256" })).not.toBeNull();
  });

  it("refuses typ JWT, a missing typ and an unknown or missing kid", async () => {
    expect(await forged(tokens, key, { alg: "HS256", typ: "JWT", kid: "hs256" })).toBeNull();
    expect(await forged(tokens, key, { alg: "HS256", kid: "hs256" })).toBeNull();
    expect(await forged(tokens, key, { alg: "HS256", typ: "at+jwt", kid: "other" })).toBeNull();
    expect(await forged(tokens, key, { alg: "HS256", typ: "at+jwt" })).toBeNull();
  });

  it("refuses HS384 with the same secret: the algorithm is pinned", async () => {
    expect(await forged(tokens, key, { alg: "HS384", typ: "at+jwt", kid: "hs256" })).toBeNull();
  });

  it("refuses a token signed with another secret", async () => {
    const other = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      jwtSecret: `${SECRET}-2`,
    });
    expect(await tokens.verify((await other.sign(CLAIMS, NOW)).token, NOW)).toBeNull();
  });

  it("refuses alg none", async () => {
    expect(
      await tokens.verify(unsigned({ alg: "none", typ: "at+jwt", kid: "hs256" }), NOW),
    ).toBeNull();
  });

  it("refuses a secret shorter than 256 bits (RFC 7518 §3.2)", () => {
    expect(() =>
      createAccessTokens({
        issuer: ISSUER,
        audience: AUDIENCE,
        ttlSeconds: TTL,
        jwtSecret: "short",
      }),
    ).toThrow(/32 bytes/);
  });
});

describe("EdDSA mode (keys in the KeyStore)", () => {
  let store: MemoryKeyStore;
  let ring: KeyRing;
  let tokens: AccessTokens;

  beforeEach(async () => {
    store = new MemoryKeyStore();
    ring = await KeyRing.load(store, nowDate());
    tokens = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      keyRing: ring,
    });
  });

  it("round-trips the claims, with the ring's kid in the header", async () => {
    await expectRoundTrip(tokens, "EdDSA");
    const { token } = await tokens.sign(CLAIMS, NOW);
    expect(decodeProtectedHeader(token).kid).toBe(ring.current().kid);
  });

  it("is valid until exp and null from exp on, by the passed-in clock", async () => {
    const { token } = await tokens.sign(CLAIMS, NOW);
    expect(await tokens.verify(token, NOW + TTL - 1)).not.toBeNull();
    expect(await tokens.verify(token, NOW + TTL)).toBeNull();
    expect(await tokens.verify(token, NOW + 10 * TTL)).toBeNull();
  });

  it("refuses a token for another audience, or with none, and accepts any configured one", async () => {
    const key = ring.current().privateKey;
    const kid = ring.current().kid;
    const header = { alg: "EdDSA", typ: "at+jwt", kid };
    expect(await forged(tokens, key, header)).not.toBeNull();
    expect(await forged(tokens, key, header, { aud: "https://other.example.test" })).toBeNull();
    expect(await forged(tokens, key, header, { aud: undefined })).toBeNull();
    const two = createAccessTokens({
      issuer: ISSUER,
      audience: ["https://other.example.test", AUDIENCE[0] as string],
      ttlSeconds: TTL,
      keyRing: ring,
    });
    const { token } = await two.sign(CLAIMS, NOW);
    expect(decodeJwt(token).aud).toEqual(["https://other.example.test", AUDIENCE[0]]);
    expect(await tokens.verify(token, NOW)).not.toBeNull();
  });

  it("writes the RFC 9068 claims: aud, client_id, and the session's aal and amr", async () => {
    const { token } = await tokens.sign({ ...CLAIMS, amr: ["email"] }, NOW);
    expect(decodeJwt(token)).toMatchObject({
      aud: AUDIENCE[0],
      client_id: "latchkey",
      aal: "aal1",
      amr: ["email"],
    });
  });

  it("refuses every non-canonical base64url spelling of a valid signature", async () => {
    const { token } = await tokens.sign(CLAIMS, NOW);
    const cut = token.lastIndexOf(".") + 1;
    const signature = token.slice(cut);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let decodingAlike = 0;
    for (const last of alphabet) {
      const variant = `${signature.slice(0, -1)}${last}`;
      if (variant === signature) continue;
      // The same 64 bytes, spelled with other unused bits in the last character.
      if (!Buffer.from(variant, "base64url").equals(Buffer.from(signature, "base64url"))) continue;
      decodingAlike++;
      expect(await tokens.verify(`${token.slice(0, cut)}${variant}`, NOW)).toBeNull();
    }
    expect(decodingAlike).toBe(15);
    for (const padded of [`${signature}==`, `${signature}=`, `${signature} `]) {
      expect(await tokens.verify(`${token.slice(0, cut)}${padded}`, NOW)).toBeNull();
    }
    expect(await tokens.verify(token, NOW)).not.toBeNull();
  });

  it("refuses another issuer's token", async () => {
    const elsewhere = createAccessTokens({
      issuer: "https://evil.example.test",
      audience: AUDIENCE,
      ttlSeconds: TTL,
      keyRing: ring,
    });
    expect(await tokens.verify((await elsewhere.sign(CLAIMS, NOW)).token, NOW)).toBeNull();
  });

  it("refuses a tampered signature and a tampered payload", async () => {
    const { token } = await tokens.sign(CLAIMS, NOW);
    expect(await tokens.verify(tamperSignature(token), NOW)).toBeNull();
    const [header, , signature] = token.split(".");
    const promoted = base64url.encode(
      JSON.stringify({ ...CLAIMS, role: "admin", iss: ISSUER, iat: NOW, exp: NOW + TTL, jti: "x" }),
    );
    expect(await tokens.verify(`${header}.${promoted}.${signature}`, NOW)).toBeNull();
  });

  it("accepts the hand-built control token", async () => {
    const { kid, privateKey } = ring.current();
    expect(await forged(tokens, privateKey, { alg: "EdDSA", typ: "at+jwt", kid })).not.toBeNull();
  });

  it("refuses alg none", async () => {
    expect(
      await tokens.verify(unsigned({ alg: "none", typ: "at+jwt", kid: ring.current().kid }), NOW),
    ).toBeNull();
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const kid = ring.current().kid;
    const jwk = ring.jwks().keys[0]!;
    const candidates = [
      base64url.decode(jwk.x!),
      new TextEncoder().encode(jwk.x!),
      new TextEncoder().encode(JSON.stringify(jwk)),
    ];
    for (const secret of candidates) {
      expect(await forged(tokens, secret, { alg: "HS256", typ: "at+jwt", kid })).toBeNull();
    }
  });

  it("refuses typ JWT even when properly signed", async () => {
    const { kid, privateKey } = ring.current();
    expect(await forged(tokens, privateKey, { alg: "EdDSA", typ: "JWT", kid })).toBeNull();
  });

  it("refuses an unknown kid even when properly signed", async () => {
    const { privateKey } = ring.current();
    expect(
      await forged(tokens, privateKey, { alg: "EdDSA", typ: "at+jwt", kid: "unknown" }),
    ).toBeNull();
    expect(await forged(tokens, privateKey, { alg: "EdDSA", typ: "at+jwt" })).toBeNull();
  });

  it("refuses a signed token whose claims have the wrong shape", async () => {
    const { kid, privateKey } = ring.current();
    const header = { alg: "EdDSA", typ: "at+jwt", kid };
    expect(await forged(tokens, privateKey, header, { role: "root" })).toBeNull();
    expect(await forged(tokens, privateKey, header, { sid: 7 })).toBeNull();
  });

  it("refuses HS256-mode tokens, and HS256 mode refuses its tokens", async () => {
    const hmac = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      jwtSecret: SECRET,
    });
    expect(await tokens.verify((await hmac.sign(CLAIMS, NOW)).token, NOW)).toBeNull();
    expect(await hmac.verify((await tokens.sign(CLAIMS, NOW)).token, NOW)).toBeNull();
  });

  it("answers null, never throws, for garbage", async () => {
    for (const garbage of [
      "",
      "garbage",
      "a.b.c",
      "..",
      "...",
      "e30.e30.",
      `${"a".repeat(10_000)}.b.c`,
    ]) {
      expect(await tokens.verify(garbage, NOW)).toBeNull();
    }
  });

  it("publishes the public key only, as a cached JWKS", () => {
    const jwks = tokens.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      kid: ring.current().kid,
      alg: "EdDSA",
      use: "sig",
    });
    expect(tokens.jwks()).toBe(jwks);
  });

  it("needs a secret or a key ring", () => {
    expect(() =>
      createAccessTokens({ issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL }),
    ).toThrow();
  });
});

describe("KeyRing", () => {
  it("generates one key on first load and reuses it afterwards", async () => {
    const store = new MemoryKeyStore();
    const first = await KeyRing.load(store, nowDate());
    const second = await KeyRing.load(store, nowDate(NOW + 60));
    expect(store.rows).toHaveLength(1);
    expect(second.current().kid).toBe(first.current().kid);
    // RFC 7638 thumbprint of an Ed25519 key: 32 bytes of SHA-256, base64url.
    expect(first.current().kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("stores the private JWK and the public JWK of the same key", async () => {
    const store = new MemoryKeyStore();
    await KeyRing.load(store, nowDate());
    const [row] = store.rows;
    expect(row?.alg).toBe("EdDSA");
    expect(row?.privateJwk.d).toBeTypeOf("string");
    expect(row?.publicJwk.d).toBeUndefined();
    expect(row?.privateJwk.x).toBe(row?.publicJwk.x);
  });

  it("lets two instances starting at once converge on one signer", async () => {
    const store = new MemoryKeyStore();
    const [a, b] = await Promise.all([
      KeyRing.load(store, nowDate()),
      KeyRing.load(store, nowDate()),
    ]);
    // Both saw an empty store and inserted a key: the race this test is about.
    expect(store.rows).toHaveLength(2);
    await a.reload(nowDate());
    await b.reload(nowDate());
    expect(a.current().kid).toBe(b.current().kid);
    expect(a.jwks()).toEqual(b.jwks());
    const signer = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      keyRing: a,
    });
    const verifier = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      keyRing: b,
    });
    expect(await verifier.verify((await signer.sign(CLAIMS, NOW)).token, NOW)).not.toBeNull();
  });

  it("rotation signs with the new key, keeps the old one verifying and publishes both", async () => {
    const store = new MemoryKeyStore();
    const ring = await KeyRing.load(store, nowDate());
    const tokens = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      keyRing: ring,
    });
    const oldKid = ring.current().kid;
    const before = (await tokens.sign(CLAIMS, NOW)).token;

    const retireAfter = 2 * TTL;
    const newKid = await ring.rotate(store, nowDate(NOW + 10), retireAfter);

    expect(newKid).not.toBe(oldKid);
    expect(ring.current().kid).toBe(newKid);
    expect(
      ring
        .jwks()
        .keys.map((k) => k.kid)
        .sort(),
    ).toEqual([oldKid, newKid].sort());
    expect(await tokens.verify(before, NOW + 20)).not.toBeNull();
    const after = (await tokens.sign(CLAIMS, NOW + 20)).token;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect(await tokens.verify(after, NOW + 20)).not.toBeNull();

    // Once the retired key expires, a reload drops it from the JWKS.
    await ring.reload(nowDate(NOW + 10 + retireAfter + 1));
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual([newKid]);
    expect(ring.publicKey(oldKid)).toBeNull();
  });

  it("another instance picks up a rotation at its next reload", async () => {
    const store = new MemoryKeyStore();
    const a = await KeyRing.load(store, nowDate());
    const b = await KeyRing.load(store, nowDate());
    const newKid = await a.rotate(store, nowDate(NOW + 10), TTL * 2);
    expect(b.publicKey(newKid)).toBeNull();
    await b.reload(nowDate(NOW + 11));
    expect(b.current().kid).toBe(newKid);
    expect(b.publicKey(newKid)).not.toBeNull();
  });
});
