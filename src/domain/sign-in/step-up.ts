import type { AccessClaims } from "../../crypto/access-tokens.js";
import { AuthError } from "../../errors.js";
import type { Deps } from "../deps.js";

/**
 * A user who has a second factor changes what protects the account (password, factors,
 * linked identities) only from a session that proved it: an aal1 token (a reset finished
 * with a recovery code, a session older than the factor) must step up first
 * (OWASP ASVS 5.0 6.4.3's spirit: a one-factor proof cannot remove the other factor).
 */
export async function assertSteppedUp(deps: Deps, claims: AccessClaims): Promise<void> {
  if (claims.aal === "aal2") return;
  const user = await deps.stores.users.findById(claims.sub);
  if (user?.mfaEnabled) throw new AuthError("MFA_REQUIRED");
}
