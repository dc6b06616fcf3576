import type { AccessClaims } from "../crypto/access-tokens.js";
import { AuthError } from "../errors.js";
import type { UserRecord } from "../storage/ports.js";
import type { Deps } from "./deps.js";

/** The user behind a verified access token, as the database has them now. */
export async function getCurrentUser(deps: Deps, claims: AccessClaims): Promise<UserRecord> {
  const user = await deps.stores.users.findById(claims.sub);
  if (!user) throw new AuthError("UNAUTHORIZED");
  if (user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  return user;
}
