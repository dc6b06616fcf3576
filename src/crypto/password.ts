import type { Algorithm, Version } from "@node-rs/argon2";
import { hash as argon2Hash, verify as argon2Verify, parseOptions } from "@node-rs/argon2";
import { verify as bcryptVerify } from "@node-rs/bcrypt";
import { randomToken } from "./random.js";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** needsRehash: true for legacy bcrypt or argon2 with weaker params than current. */
  verify(hash: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Burn the same work as a real verify, for unknown accounts (timing). */
  verifyDummy(password: string): Promise<void>;
}

export interface PasswordHashParams {
  /** Production: 19456 KiB and 2 passes, OWASP Password Storage Cheat Sheet's argon2id line. */
  memoryKib: number;
  iterations: number;
}

// The package declares these as ambient const enums: isolatedModules cannot inline them and
// the runtime export is an empty object, so the values of its index.d.ts are spelled out.
const ARGON2ID: Algorithm = 2;
const ARGON2_V0x13: Version = 1;

/** Bcrypt as PHP, OpenBSD and most Node libraries write it; @node-rs/bcrypt verifies all three. */
const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

/**
 * argon2id with OWASP's parallelism of 1: the service scales by running many hashes at once
 * (one per request), not by spreading one hash over cores.
 */
export async function createPasswordHasher(params: PasswordHashParams): Promise<PasswordHasher> {
  const options = {
    algorithm: ARGON2ID,
    version: ARGON2_V0x13,
    memoryCost: params.memoryKib,
    timeCost: params.iterations,
    parallelism: 1,
  };
  // Computed once, here, so an unknown email costs one argon2 verify like a known one, and bad
  // parameters fail at start-up rather than at the first login.
  const dummyHash = await argon2Hash(randomToken(), options);

  async function verifyDummy(password: string): Promise<void> {
    await argon2Verify(dummyHash, password).catch(() => false);
  }

  function isWeakerThanCurrent(hash: string): boolean {
    const stored = parseOptions(hash);
    return (
      stored.algorithm !== ARGON2ID ||
      stored.version !== ARGON2_V0x13 ||
      stored.memoryCost < params.memoryKib ||
      stored.timeCost < params.iterations
    );
  }

  async function verify(
    hash: string,
    password: string,
  ): Promise<{ ok: boolean; needsRehash: boolean }> {
    if (hash.startsWith("$argon2")) {
      try {
        const ok = await argon2Verify(hash, password);
        return { ok, needsRehash: ok && isWeakerThanCurrent(hash) };
      } catch {
        // A mangled PHC string: the library throws "Decoding failed". Not a match, not a crash.
        return { ok: false, needsRehash: false };
      }
    }
    if (BCRYPT.test(hash)) {
      // Imported from older systems (DESIGN.md). bcrypt reads only the first 72 bytes, so these
      // are upgraded to argon2id at the first successful login, which hashes the whole password.
      const ok = await bcryptVerify(password, hash).catch(() => false);
      return { ok, needsRehash: ok };
    }
    // Unknown format: spend the usual time anyway, so a broken row does not stand out.
    await verifyDummy(password);
    return { ok: false, needsRehash: false };
  }

  return {
    hash: (password) => argon2Hash(password, options),
    verify,
    verifyDummy,
  };
}
