import { randomBytes } from "node:crypto";
import { sha256 } from "../../crypto/digest.js";

/** Ten, as the API reference says: enough to get through losing the phone, and to reset. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * 25 characters of Crockford base32 = 125 bits: past the 112 bits ASVS 5.0 6.5.2 asks of a
 * look-up secret stored with a fast hash, shown as five groups of five. Crockford's
 * alphabet has no I, L, O or U, so a code read aloud or retyped is not mistaken.
 */
const GROUPS = 5;
const GROUP_LENGTH = 5;
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

function newRecoveryCode(): string {
  const length = GROUPS * GROUP_LENGTH;
  // 32 symbols: 5 bits of a random byte each, so every symbol is equally likely.
  const chars = [...randomBytes(length)].map((byte) => ALPHABET[byte & 31]).join("");
  const groups = Array.from({ length: GROUPS }, (_, i) =>
    chars.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH),
  );
  return groups.join("-");
}

/**
 * A code as typed: any case, with or without dashes and spaces, Crockford's look-alikes
 * read as the digits they stand for (O → 0, I and L → 1). Null when it cannot be one.
 */
export function normalizeRecoveryCode(typed: string): string | null {
  const squashed = typed
    .replace(/[\s-]/g, "")
    .toUpperCase()
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (squashed.length !== GROUPS * GROUP_LENGTH) return null;
  for (const char of squashed) if (!ALPHABET.includes(char)) return null;
  return squashed;
}

/** What is stored: SHA-256 of the normalised code (125 bits of entropy; ASVS 5.0 6.5.2). */
export function recoveryCodeHash(normalized: string): string {
  return sha256(normalized);
}

/** What is stored of a code this module made (its normal form is itself without dashes). */
export function storedHashOf(code: string): string {
  return recoveryCodeHash(code.replaceAll("-", ""));
}
