/** The API reference's ceiling; NIST SP 800-63B asks verifiers to allow at least 64 characters. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * NFKC, as NIST SP 800-63B recommends before hashing, so the same password typed on
 * different keyboards (full-width digits, ligatures) hashes the same.
 */
export function normalizePassword(p: string): string {
  return p.normalize("NFKC");
}

/** Code points, as NIST SP 800-63B counts them (README, API reference): an emoji is one, not two. */
export function passwordLength(p: string): number {
  return [...p].length;
}

/**
 * Run before any hashing, on the normalised password. Cheap whatever the input: a code point
 * is one or two UTF-16 units, so p.length bounds the count from both sides and only strings
 * near the limits are walked. No composition rules (NIST SP 800-63B forbids them).
 */
export function checkPasswordLength(p: string, min: number): "too_short" | "too_long" | null {
  if (p.length > PASSWORD_MAX_LENGTH * 2) return "too_long";
  if (p.length < min) return "too_short";
  const length = passwordLength(p);
  if (length < min) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  return null;
}
