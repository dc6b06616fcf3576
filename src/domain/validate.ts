import type { PasswordContext } from "../crypto/password-policy.js";
import { AuthError, fieldError } from "../errors.js";
import { checkPasswordLength, normalizePassword } from "../rules/password.js";
import type { Deps } from "./deps.js";
import { normalizeEmail, type RuleResult } from "./input-rules.js";

/** The value of a rule, or VALIDATION_FAILED naming the field. */
export function required(field: string, result: RuleResult): string {
  if (!result.ok) throw fieldError(field, result.message);
  return result.value;
}

export function validEmail(raw: string, field = "email"): string {
  return required(field, normalizeEmail(raw));
}

// NIST SP 800-63B §5.1.1.2: at least 8 characters, allow at least 64, no composition
// rules, count Unicode code points after normalisation. The 256 cap refuses
// hash-flooding input before any hashing is done.
export function validNewPassword(raw: string, minLength: number, field = "password"): string {
  const password = normalizePassword(raw);
  const problem = checkPasswordLength(password, minLength);
  if (problem === "too_short") {
    throw fieldError(field, `Password must be at least ${minLength} characters.`);
  }
  if (problem === "too_long") throw fieldError(field, "Password must be at most 256 characters.");
  return password;
}

/**
 * A password presented to sign in: same normalisation, but a length no account can
 * have is refused before hashing without saying more.
 */
export function presentedPassword(raw: string, field = "password"): string {
  const password = normalizePassword(raw);
  if (checkPasswordLength(password, 1) === "too_long") {
    throw fieldError(field, "Password must be at most 256 characters.");
  }
  return password;
}

export function assertNever(value: never): never {
  throw new AuthError("INTERNAL", `unexpected ${String(value)}`);
}

/**
 * A new password that passes length and policy (common, breached, context words).
 * Everything is checked before any hash or secret is touched.
 */
export async function acceptablePassword(
  deps: Deps,
  raw: string,
  context: PasswordContext,
  field = "password",
): Promise<string> {
  const password = validNewPassword(raw, deps.config.passwordMinLength, field);
  const problem = await deps.passwords.check(password, context);
  if (problem) throw fieldError(field, problem);
  return password;
}
