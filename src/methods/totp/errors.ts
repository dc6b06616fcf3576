import type { ErrorSpec } from "../../errors.js";

/** The second factors' own codes (README, API reference, "Second factors"). */
export const SECOND_FACTOR_ERRORS = {
  INVALID_MFA_TOKEN: {
    status: 401,
    message: "The sign-in has expired or was already finished. Sign in again.",
  },
  FACTOR_NOT_FOUND: { status: 404, message: "No such factor." },
} as const satisfies Record<string, ErrorSpec>;

declare module "../../errors.js" {
  interface MethodErrorCodes extends Record<keyof typeof SECOND_FACTOR_ERRORS, true> {}
}

declare module "../../domain/audit.js" {
  interface MethodAuditTypes {
    "mfa.failure": true;
    "mfa.factor.added": true;
    "mfa.factor.removed": true;
  }
}
