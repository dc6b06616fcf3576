import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "../../src/crypto/secret-box.js";

describe("secret box (AES-256-GCM)", () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);
  const secret = randomBytes(20);

  it("opens what it sealed, for the same context", () => {
    const sealed = box.seal(secret, "factor:1:totp");
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(box.open(sealed, "factor:1:totp")).toEqual(secret);
  });

  it("seals the same secret differently each time (a fresh nonce)", () => {
    expect(box.seal(secret, "c")).not.toBe(box.seal(secret, "c"));
  });

  it("does not open for another context: a value copied to another row is useless", () => {
    expect(box.open(box.seal(secret, "factor:1:totp"), "factor:2:totp")).toBeNull();
  });

  it("does not open under another key", () => {
    expect(createSecretBox(randomBytes(32)).open(box.seal(secret, "c"), "c")).toBeNull();
  });

  it("refuses a damaged value, a wrong version or a truncated one, without throwing", () => {
    const sealed = box.seal(secret, "c");
    const payload = Buffer.from(sealed.slice(3), "base64url");
    payload[payload.length - 1] = (payload[payload.length - 1] ?? 0) ^ 1;
    for (const bad of [
      `v1.${payload.toString("base64url")}`,
      `v2.${sealed.slice(3)}`,
      "v1.AAAA",
      "v1",
      "",
      `${sealed}.extra`,
    ]) {
      expect(box.open(bad, "c"), bad).toBeNull();
    }
  });

  it("wants a 256-bit key", () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
