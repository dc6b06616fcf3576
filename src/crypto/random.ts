import { randomBytes, randomInt, randomUUID } from "node:crypto";

/**
 * A URL-safe random token. 32 bytes = 256 bits: CONTRACT.md's floor for reset and refresh
 * tokens, well past RFC 6749 §10.10 (guessing odds at most 2^-128, should be 2^-160).
 */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Exactly 6 digits (CONTRACT.md). randomInt draws uniformly (rejection sampling), so there is
 * no modulo bias; brute force is held off by CODE_MAX_ATTEMPTS and a short TTL, not by length.
 */
export function randomCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** Random (v4) UUID for row ids and JWT ids. */
export function randomId(): string {
  return randomUUID();
}
