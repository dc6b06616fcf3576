import type { AccessClaims } from "../crypto/access-tokens.js";
import type { UserRecord } from "../storage/ports.js";
import type { Deps } from "./deps.js";
import type { Assurance } from "./vocabulary.js";

/** A request's signed-in user: the token's claims, and the user and session as they are now. */
export interface SignedIn {
  claims: AccessClaims;
  user: UserRecord;
  assurance: Assurance;
}

/**
 * The one way an access token is accepted by Latchkey's own routes, API and pages alike.
 * The signature alone is not enough: the token's session must still be live and its user
 * must exist (README, "Assurance levels and claims": tokens of a revoked session or a
 * deleted user are refused at once, on every instance). Both come from the database on
 * every request, in one statement, so no cache can outlive a revoke made on another
 * instance. The signature check may be
 * remembered: it never changes. A blocked user's sessions are revoked, but a blocked user
 * is still answered as such (the caller decides: 403 ACCOUNT_BLOCKED), so the user is
 * returned whatever the session says.
 *
 * Null: no valid token, no such user, or the session ended (revoked or expired).
 */
export async function authenticateAccess(deps: Deps, token: string): Promise<SignedIn | null> {
  const now = deps.clock();
  const claims = await deps.tokens.verify(token, Math.floor(now.getTime() / 1000));
  if (!claims) return null;
  const found = await deps.stores.sessions.findLive(claims.sub, claims.sid, now);
  if (!found) return null;
  if (found.user.status === "blocked") return { claims, user: found.user, assurance: claims };
  if (!found.assurance) return null;
  return { claims, user: found.user, assurance: found.assurance };
}
