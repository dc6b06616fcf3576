/**
 * The words the domain speaks, as tuples: the types come from them, and storage, tokens,
 * the CLI and the API schemas take theirs from here rather than spelling them again.
 */

export const USER_STATUSES = ["pending", "active", "blocked"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const USER_ROLES = ["user", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * How a user was proven: the `amr` claim. RFC 8176's names where it has one (pwd, otp);
 * the rest are Latchkey's (a recovery code, a passkey, another provider, a mailed link or code).
 */
export const AUTH_METHODS = ["pwd", "otp", "recovery_code", "passkey", "oauth", "email"] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/**
 * The ways to finish a sign-in that asked for a second factor (POST /auth/mfa/verify's
 * `method`), in the order a challenge lists them.
 */
export const SECOND_FACTOR_METHODS = ["totp", "passkey", "recovery_code"] as const;
export type SecondFactorMethod = (typeof SECOND_FACTOR_METHODS)[number];

/** NIST SP 800-63B-4 §2: aal1 is one factor, aal2 two distinct ones. */
export const AALS = ["aal1", "aal2"] as const;
export type Aal = (typeof AALS)[number];

/** What a session asserts about how its user was proven; carried through every refresh. */
export interface Assurance {
  aal: Aal;
  amr: AuthMethod[];
}

/** True when `value` is one of `words`; narrows it to their type. */
export function isOneOf<const T extends string>(words: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (words as readonly string[]).includes(value);
}
