import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AccessTokens, createAccessTokens } from "../../src/crypto/access-tokens.js";
import { KeyRing } from "../../src/crypto/key-ring.js";
import { MemoryKeyStore } from "../helpers/memory-key-store.js";

/**
 * A verified access token is remembered until it expires (BENCHMARKS.md: the Ed25519 check
 * cost more than the rest of GET /auth/me). These pin what the memory must never change.
 */

const ISSUER = "https://auth.example.test";
const TTL = 900;
const NOW = 1_700_000_000;
const CLAIMS = {
  sub: "user-1",
  email: "ada@example.test",
  role: "user" as const,
  sid: "family-1",
  aal: "aal1" as const,
  amr: ["pwd" as const],
};
const AUDIENCE = ["https://api.example.test"];

/** Counts the signature checks WebCrypto is asked for (jose verifies through it). */
function countVerifications() {
  const verify = vi.spyOn(globalThis.crypto.subtle, "verify");
  return () => verify.mock.calls.length;
}

describe("remembered verifications (EdDSA)", () => {
  let store: MemoryKeyStore;
  let ring: KeyRing;
  let tokens: AccessTokens;

  beforeEach(async () => {
    store = new MemoryKeyStore();
    ring = await KeyRing.load(store, new Date(NOW * 1000));
    tokens = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      keyRing: ring,
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("checks a token's signature once, then answers from memory with the same claims", async () => {
    const { token } = await tokens.sign(CLAIMS, NOW);
    const verifications = countVerifications();
    const first = await tokens.verify(token, NOW);
    const again = await tokens.verify(token, NOW + 1);
    expect(first).toMatchObject(CLAIMS);
    expect(again).toEqual(first);
    expect(verifications()).toBe(1);
  });

  it("still refuses a remembered token from its exp on", async () => {
    const { token } = await tokens.sign(CLAIMS, NOW);
    expect(await tokens.verify(token, NOW + TTL - 1)).not.toBeNull();
    expect(await tokens.verify(token, NOW + TTL)).toBeNull();
    expect(await tokens.verify(token, NOW + 1)).not.toBeNull();
  });

  it("judges the token again once the keys change, and refuses it when its key is gone", async () => {
    const { token } = await tokens.sign(CLAIMS, NOW);
    expect(await tokens.verify(token, NOW)).not.toBeNull();
    // The signing key is retired with no grace and purged, as after a key compromise.
    const now = new Date((NOW + 1) * 1000);
    await ring.rotate(store, now, 0);
    await store.purgeExpired(new Date((NOW + 2) * 1000));
    await ring.reload(new Date((NOW + 2) * 1000));
    expect(await tokens.verify(token, NOW + 2)).toBeNull();
  });

  it("does not remember refusals: a tampered token is refused every time", async () => {
    const { token } = await tokens.sign(CLAIMS, NOW);
    const tampered = `${token.slice(0, -4)}${token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    for (let i = 0; i < 3; i++) expect(await tokens.verify(tampered, NOW)).toBeNull();
    expect(await tokens.verify(token, NOW)).not.toBeNull();
  });
});

describe("remembered verifications (HS256)", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("keeps at most 4,096 tokens, forgetting the least recently used first", async () => {
    const tokens = createAccessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSeconds: TTL,
      jwtSecret: "a-test-secret-of-at-least-32-bytes-long!",
    });
    const signed = await Promise.all(
      Array.from({ length: 4097 }, (_, i) => tokens.sign({ ...CLAIMS, sub: `user-${i}` }, NOW)),
    );
    const [first, second] = signed;
    if (!first || !second) throw new Error("no tokens");
    for (const { token } of signed.slice(0, 4096)) await tokens.verify(token, NOW);
    // A hit makes the first one the most recent, so the 4,097th pushes out the second.
    await tokens.verify(first.token, NOW);
    await tokens.verify(signed[4096]?.token ?? "", NOW);
    const verifications = vi.spyOn(globalThis.crypto.subtle, "verify");
    const sign = vi.spyOn(globalThis.crypto.subtle, "sign");
    const checks = () => verifications.mock.calls.length + sign.mock.calls.length;
    expect(await tokens.verify(first.token, NOW)).not.toBeNull();
    expect(checks()).toBe(0);
    expect(await tokens.verify(second.token, NOW)).not.toBeNull();
    expect(checks()).toBe(1);
  });
});
