import type { ErrorSpec } from "../../errors.js";

/**
 * The codes of sign-in with other providers (README, API reference). A callback never
 * answers with a status: it sends the browser back to the app with `?error=CODE`, so the
 * statuses below are those of the API routes that can answer the same code directly.
 */
export const OAUTH_ERRORS = {
  INVALID_REDIRECT: { status: 400, message: "This redirectTo is not allowed." },
  PROVIDER_NOT_FOUND: { status: 404, message: "No such provider." },
  INVALID_GRANT: { status: 400, message: "The code is invalid, used, expired or not yours." },
  INVALID_STATE: {
    status: 400,
    message: "The sign-in did not start in this browser, or took too long. Start again.",
  },
  IDENTITY_TAKEN: {
    status: 409,
    message: "This account at the provider is linked to another user.",
  },
  ACCOUNT_EXISTS: {
    status: 409,
    message: "An account with this email exists. Sign in, then connect the provider from it.",
  },
  LAST_SIGN_IN_METHOD: {
    status: 409,
    message: "This is your last way to sign in. Set a password or add a passkey first.",
  },
  PROVIDER_ERROR: { status: 502, message: "The provider could not sign you in. Try again." },
} as const satisfies Record<string, ErrorSpec>;

export type OAuthErrorCode = keyof typeof OAUTH_ERRORS;

declare module "../../errors.js" {
  interface MethodErrorCodes extends Record<keyof typeof OAUTH_ERRORS, true> {}
}

declare module "../../domain/audit.js" {
  interface MethodAuditTypes {
    "oauth.user_created": true;
    "oauth.pending_replaced": true;
    "oauth.identity_linked": true;
    "oauth.identity_removed": true;
    "oauth.failure": true;
    /** A callback that signed a user in or linked an identity; `result` says which. */
    "oauth.sign_in": true;
  }
}
