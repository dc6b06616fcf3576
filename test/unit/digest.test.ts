import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashCode, safeEqual, sha256 } from "../../src/crypto/digest.js";

describe("sha256", () => {
  it("matches the known digest of 'abc' (FIPS 180-2 test vector)", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("hashes the UTF-8 bytes", () => {
    expect(sha256("é")).toBe(createHash("sha256").update(Buffer.from("é", "utf8")).digest("hex"));
  });
});

describe("hashCode", () => {
  const base = hashCode("user-1", "email", "123456");

  it("is a stable hex SHA-256", () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(hashCode("user-1", "email", "123456")).toBe(base);
  });

  it("differs for another user, purpose or code", () => {
    expect(hashCode("user-2", "email", "123456")).not.toBe(base);
    expect(hashCode("user-1", "reset", "123456")).not.toBe(base);
    expect(hashCode("user-1", "email", "123457")).not.toBe(base);
  });

  it("is not the plain digest of the code", () => {
    expect(base).not.toBe(sha256("123456"));
  });

  it("cannot be confused by moving characters between fields", () => {
    expect(hashCode("ab", "c", "123456")).not.toBe(hashCode("a", "bc", "123456"));
    expect(hashCode("a", "b1", "23456")).not.toBe(hashCode("a", "b", "123456"));
    expect(hashCode("a:1", "b", "123456")).not.toBe(hashCode("a", "1:b", "123456"));
  });
});

describe("safeEqual", () => {
  it("is true only for identical strings", () => {
    expect(safeEqual(sha256("x"), sha256("x"))).toBe(true);
    expect(safeEqual(sha256("x"), sha256("y"))).toBe(false);
    expect(safeEqual("", "")).toBe(true);
  });

  it("is false, not a throw, on length mismatch", () => {
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "a")).toBe(false);
  });

  it("compares bytes, so same UTF-16 length but different UTF-8 length is false", () => {
    expect(safeEqual("é", "e")).toBe(false);
  });
});
