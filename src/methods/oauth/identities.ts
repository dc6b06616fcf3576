import type { AccessClaims } from "../../crypto/access-tokens.js";
import type { ClientContext } from "../../domain/client.js";
import { hasPassword } from "../../domain/create-user.js";
import type { Deps } from "../../domain/deps.js";
import { assertSteppedUp } from "../../domain/sign-in/step-up.js";
import { AuthError } from "../../errors.js";

/** An identity as its owner sees it: never the subject or issuer's internals. */
export interface IdentityView {
  id: string;
  provider: string;
  email: string | null;
  createdAt: string;
}

export async function listIdentities(deps: Deps, userId: string): Promise<IdentityView[]> {
  return (await deps.stores.oauth.listIdentities(userId)).map((identity) => ({
    id: identity.id,
    provider: identity.provider,
    email: identity.email,
    createdAt: identity.createdAt.toISOString(),
  }));
}

/**
 * Unlinks an identity. A user who has MFA steps up first (README, "Second factors"), and
 * the last way in stays: no password, no passkey and one identity answers
 * LAST_SIGN_IN_METHOD rather than locking the user out.
 */
export async function removeIdentity(
  deps: Deps,
  claims: AccessClaims,
  id: string,
  client: ClientContext,
): Promise<void> {
  await assertSteppedUp(deps, claims);
  const user = await deps.stores.users.findById(claims.sub);
  if (!user) throw new AuthError("UNAUTHORIZED");
  const otherWayIn = hasPassword(user) || (await deps.stores.passkeys.hasPasskey(user.id));
  const outcome = await deps.stores.oauth.removeIdentity(user.id, id, otherWayIn);
  if (outcome === "not_found") throw new AuthError("NOT_FOUND");
  if (outcome === "last") throw new AuthError("LAST_SIGN_IN_METHOD");
  await deps.audit({
    type: "oauth.identity_removed",
    outcome: "success",
    userId: user.id,
    client,
    details: { identityId: id },
  });
}
