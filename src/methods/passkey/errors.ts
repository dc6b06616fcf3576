import { AuthError, type ErrorSpec } from "../../errors.js";

/**
 * The passkeys' own code (README, API reference, "Passkeys"). One code for every refusal of a
 * WebAuthn response, whatever was wrong with it: telling which check failed would help only
 * someone forging one.
 */
export const PASSKEY_ERRORS = {
  INVALID_PASSKEY: { status: 401, message: "The passkey could not be verified." },
} as const satisfies Record<string, ErrorSpec>;

/**
 * The HTTP contract answers INVALID_PASSKEY with 401 to a sign-in (no one is proven) but
 * with 400 to a signed-in user's registration (they are proven; their request is bad), so
 * the registration's refusal carries its own status.
 */
export class RefusedRegistration extends AuthError {
  override readonly status = 400;

  constructor() {
    super("INVALID_PASSKEY");
  }
}

declare module "../../errors.js" {
  interface MethodErrorCodes extends Record<keyof typeof PASSKEY_ERRORS, true> {}
}

declare module "../../domain/audit.js" {
  interface MethodAuditTypes {
    "passkey.added": true;
    "passkey.removed": true;
    "passkey.renamed": true;
    "passkey.failure": true;
    "passkey.counter_regressed": true;
  }
}
