import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/crypto/digest.js";
import { randomToken, timeOrderedId } from "../../src/crypto/random.js";
import { newRefreshToken, refreshTokenRef } from "../../src/domain/refresh-token.js";

describe("refresh tokens that name their session", () => {
  const id = timeOrderedId(new Date("2026-12-06T12:00:00Z"));

  it("is the session id in base64url, a dot, then 256 random bits; the hash covers all of it", () => {
    const { token, tokenHash } = newRefreshToken(id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.split(".")[1] ?? "", "base64url")).toHaveLength(32);
    expect(tokenHash).toBe(sha256(token));
    expect(newRefreshToken(id).token).not.toBe(token);
  });

  it("reads back the session it names and the same hash", () => {
    const { token, tokenHash } = newRefreshToken(id);
    expect(refreshTokenRef(token)).toEqual({ sessionId: id, tokenHash });
  });

  it("reads a token of the earlier format (no dot) as naming no session, found by its hash", () => {
    const legacy = randomToken();
    expect(refreshTokenRef(legacy)).toEqual({ sessionId: null, tokenHash: sha256(legacy) });
  });

  it("names no session when the part before the dot is not an id, so no row is read by it", () => {
    for (const token of [
      `.${randomToken()}`,
      `short.${randomToken()}`,
      `${"A".repeat(21)}!.${randomToken()}`,
      `${"A".repeat(23)}.${randomToken()}`,
      "....",
    ]) {
      expect(refreshTokenRef(token)).toEqual({ sessionId: null, tokenHash: sha256(token) });
    }
  });
});
