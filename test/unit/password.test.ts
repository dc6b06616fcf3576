import type { Algorithm } from "@node-rs/argon2";
import { hash as argon2Hash } from "@node-rs/argon2";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { beforeAll, describe, expect, it } from "vitest";
import { createPasswordHasher, type PasswordHasher } from "../../src/crypto/password.js";
import {
  checkPasswordLength,
  normalizePassword,
  PASSWORD_MAX_LENGTH,
  passwordLength,
} from "../../src/rules/password.js";

// OWASP Password Storage Cheat Sheet, argon2id: m=19456 KiB, t=2, p=1. The real thing, here.
const PRODUCTION = { memoryKib: 19456, iterations: 2 };
// Cheap parameters for the cases where the cost is not the subject.
const FAST = { memoryKib: 1024, iterations: 1 };

describe("argon2id at production parameters", () => {
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = await createPasswordHasher(PRODUCTION);
  });

  it("hashes to an argon2id PHC string carrying m=19456,t=2,p=1", async () => {
    const hash = await hasher.hash("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("verifies the right password without asking for a rehash, and refuses a wrong one", async () => {
    const hash = await hasher.hash("correct horse battery staple");
    expect(await hasher.verify(hash, "correct horse battery staple")).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect(await hasher.verify(hash, "correct horse battery stapler")).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it("salts: the same password hashes differently twice", async () => {
    expect(await hasher.hash("same")).not.toBe(await hasher.hash("same"));
  });

  it("verifyDummy resolves, for any input", async () => {
    await expect(hasher.verifyDummy("whatever")).resolves.toBeUndefined();
    await expect(hasher.verifyDummy("")).resolves.toBeUndefined();
  });
});

describe("rehash decisions", () => {
  let current: PasswordHasher;
  beforeAll(async () => {
    current = await createPasswordHasher({ memoryKib: 2048, iterations: 2 });
  });

  it("asks to rehash argon2id with less memory than current", async () => {
    const weaker = await createPasswordHasher({ memoryKib: 1024, iterations: 2 });
    const hash = await weaker.hash("pw-memory");
    expect(await current.verify(hash, "pw-memory")).toEqual({ ok: true, needsRehash: true });
  });

  it("asks to rehash argon2id with fewer iterations than current", async () => {
    const weaker = await createPasswordHasher({ memoryKib: 2048, iterations: 1 });
    const hash = await weaker.hash("pw-iterations");
    expect(await current.verify(hash, "pw-iterations")).toEqual({ ok: true, needsRehash: true });
  });

  it("asks to rehash argon2i (not argon2id) even at the same cost", async () => {
    const argon2i: Algorithm = 1;
    const hash = await argon2Hash("pw-variant", {
      algorithm: argon2i,
      memoryCost: 2048,
      timeCost: 2,
      parallelism: 1,
    });
    expect(hash.startsWith("$argon2i$")).toBe(true);
    expect(await current.verify(hash, "pw-variant")).toEqual({ ok: true, needsRehash: true });
  });

  it("does not ask to rehash a hash stronger than current", async () => {
    const stronger = await createPasswordHasher({ memoryKib: 4096, iterations: 3 });
    const hash = await stronger.hash("pw-strong");
    expect(await current.verify(hash, "pw-strong")).toEqual({ ok: true, needsRehash: false });
  });

  it("never asks to rehash after a wrong password", async () => {
    const weaker = await createPasswordHasher(FAST);
    const hash = await weaker.hash("pw-right");
    expect(await current.verify(hash, "pw-wrong")).toEqual({ ok: false, needsRehash: false });
  });
});

describe("legacy bcrypt", () => {
  let hasher: PasswordHasher;
  const fixtures: Record<string, string> = {};
  beforeAll(async () => {
    hasher = await createPasswordHasher(FAST);
    const base = await bcryptHash("legacy-password", { cost: 4, version: "2b" });
    for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
      fixtures[prefix] = prefix + base.slice(4);
    }
  });

  for (const prefix of ["$2a$", "$2b$", "$2y$"]) {
    it(`verifies ${prefix} and asks to upgrade it to argon2id`, async () => {
      const hash = fixtures[prefix]!;
      expect(hash.startsWith(prefix)).toBe(true);
      expect(await hasher.verify(hash, "legacy-password")).toEqual({ ok: true, needsRehash: true });
      expect(await hasher.verify(hash, "legacy-passwore")).toEqual({
        ok: false,
        needsRehash: false,
      });
    });
  }

  it("verifies hashes the library itself wrote with each prefix", async () => {
    for (const version of ["2a", "2b", "2y"] as const) {
      const hash = await bcryptHash("native", { cost: 4, version });
      expect(hash.startsWith(`$${version}$`)).toBe(true);
      expect((await hasher.verify(hash, "native")).ok).toBe(true);
    }
  });
});

describe("malformed hashes", () => {
  let hasher: PasswordHasher;
  beforeAll(async () => {
    hasher = await createPasswordHasher(FAST);
  });

  const malformed = [
    "",
    "plain-text-password",
    "$argon2id$",
    "$argon2id$v=19$m=abc,t=2,p=1$salt$hash",
    "$argon2id$v=19$m=1024,t=1,p=1$!!!$###",
    "$2b$04$short",
    "$2x$04$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234",
    "$1$md5crypt$abcdefghijklmnopqrstuv",
    "$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA",
  ];
  for (const hash of malformed) {
    it(`refuses ${JSON.stringify(hash)} without throwing`, async () => {
      expect(await hasher.verify(hash, "password")).toEqual({ ok: false, needsRehash: false });
    });
  }

  it("refuses a truncated argon2id hash", async () => {
    const hash = await hasher.hash("password");
    expect(await hasher.verify(hash.slice(0, -10), "password")).toEqual({
      ok: false,
      needsRehash: false,
    });
  });
});

describe("createPasswordHasher", () => {
  it("rejects parameters argon2 cannot use, at creation", async () => {
    await expect(createPasswordHasher({ memoryKib: 1, iterations: 0 })).rejects.toThrow();
  });
});

describe("password rules", () => {
  it("normalises with NFKC", () => {
    expect(normalizePassword("ｐａｓｓ１")).toBe("pass1");
    expect(normalizePassword("e\u0301")).toBe("\u00e9");
    expect(normalizePassword("ﬁ")).toBe("fi");
  });

  it("counts code points, not UTF-16 units", () => {
    expect(passwordLength("🔑🔑🔑")).toBe(3);
    expect("🔑🔑🔑".length).toBe(6);
    expect(passwordLength("e\u0301")).toBe(2);
    expect(passwordLength("👩‍💻")).toBe(3);
  });

  it("applies the minimum in code points", () => {
    expect(checkPasswordLength("1234567", 8)).toBe("too_short");
    expect(checkPasswordLength("12345678", 8)).toBeNull();
    // Four emoji are eight UTF-16 units but four characters.
    expect(checkPasswordLength("🔑🔑🔑🔑", 8)).toBe("too_short");
    expect(checkPasswordLength("🔑".repeat(8), 8)).toBeNull();
    // A combining mark counts as its own code point.
    expect(checkPasswordLength("e\u0301".repeat(4), 8)).toBeNull();
  });

  it("allows exactly 256 code points and refuses 257", () => {
    expect(PASSWORD_MAX_LENGTH).toBe(256);
    expect(checkPasswordLength("a".repeat(256), 8)).toBeNull();
    expect(checkPasswordLength("a".repeat(257), 8)).toBe("too_long");
    expect(checkPasswordLength("🔑".repeat(256), 8)).toBeNull();
    expect(checkPasswordLength("🔑".repeat(257), 8)).toBe("too_long");
  });

  it("refuses a 100,000-character password", () => {
    expect(checkPasswordLength("a".repeat(100_000), 8)).toBe("too_long");
    expect(checkPasswordLength("🔑".repeat(100_000), 8)).toBe("too_long");
    expect(checkPasswordLength(normalizePassword("ﬁ".repeat(100_000)), 8)).toBe("too_long");
  });
});
