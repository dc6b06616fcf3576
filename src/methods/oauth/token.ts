import * as client from "openid-client";
import { safeEqual, sha256 } from "../../crypto/digest.js";
import { type ClientContext, clientIp } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import type { Proof } from "../../domain/sign-in/assurance.js";
import { completeSignIn, type SignInResult } from "../../domain/sign-in/sign-in-step.js";
import { AuthError } from "../../errors.js";

const OAUTH: Proof = { method: "oauth" };

/**
 * The app's exchange of its one-time code. The code is used up first, so a wrong verifier
 * burns it too. With a codeChallenge at authorize, the verifier must match it (RFC 7636
 * §4.6, S256); without one, a verifier is refused, so PKCE cannot be downgraded (RFC 9700
 * §4.8.2). The user then meets the same gates as any one-factor sign-in: a user with MFA
 * gets the challenge (README, "Second factors").
 */
export async function exchangeCode(
  deps: Deps,
  code: string,
  codeVerifier: string | undefined,
  context: ClientContext,
): Promise<SignInResult> {
  await deps.limits.hit("login", { ip: clientIp(context) });
  const grant = await deps.stores.oauth.consumeGrant(sha256(code), deps.clock());
  if (!grant) throw new AuthError("INVALID_GRANT");
  if (grant.appCodeChallenge === null) {
    if (codeVerifier !== undefined) throw new AuthError("INVALID_GRANT");
  } else {
    if (codeVerifier === undefined) throw new AuthError("INVALID_GRANT");
    const challenge = await client.calculatePKCECodeChallenge(codeVerifier);
    if (!safeEqual(challenge, grant.appCodeChallenge)) throw new AuthError("INVALID_GRANT");
  }
  const user = await deps.stores.users.findById(grant.userId);
  if (!user) throw new AuthError("INVALID_GRANT");
  if (user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  return completeSignIn(deps, {
    user,
    proofs: [OAUTH],
    client: context,
    event: "login.success",
  });
}
