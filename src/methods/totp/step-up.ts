import type { AccessClaims } from "../../crypto/access-tokens.js";
import type { Deps } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";

/**
 * A user who has MFA manages it only from a session that proved it: an aal1 token (older
 * than the factor, or from before the second step) must step up first.
 */
export async function assertSteppedUp(deps: Deps, claims: AccessClaims): Promise<void> {
  if (claims.aal === "aal2") return;
  if (await deps.stores.secondFactors.hasConfirmedFactor(claims.sub)) {
    throw new AuthError("MFA_REQUIRED");
  }
}
