import { createHash, timingSafeEqual } from "node:crypto";

/** Hex SHA-256. Enough for high-entropy secrets (>= 256-bit tokens): no salt or stretching needed. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Bumped if the encoding below ever changes, so old and new digests can never collide. */
const CODE_DOMAIN = "latchkey:code:v1";

/**
 * Digest of a short code bound to its user and purpose. Each field is prefixed with its UTF-8
 * byte length, so ("ab", "c") and ("a", "bc") encode differently, and a stored hash copied to
 * another user's row or to another purpose never matches there.
 */
export function hashCode(userId: string, purpose: string, code: string): string {
  const hash = createHash("sha256");
  for (const field of [CODE_DOMAIN, userId, purpose, code]) {
    hash.update(`${Buffer.byteLength(field, "utf8")}:`, "utf8");
    hash.update(field, "utf8");
  }
  return hash.digest("hex");
}

/**
 * Constant-time string comparison (OWASP ASVS V11: compare secrets in constant time). Only the
 * length can leak, which is public for the fixed-size digests this compares.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}
