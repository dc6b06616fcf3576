import { sha256 } from "../../crypto/digest.js";
import { randomToken } from "../../crypto/random.js";
import type { Deps, SignInGate } from "../../domain/deps.js";
import { assuranceOf } from "../../domain/sign-in/assurance.js";
import type { AuthMethod, SecondFactorMethod } from "../../domain/vocabulary.js";
import { AuthError } from "../../errors.js";

/**
 * A user with a confirmed factor gets no session from one factor: every one-factor way in
 * (password, reset, another provider, a passkey that did not verify the user) ends here
 * with a challenge instead, so a reset cannot bypass the second factor. The mfaToken is 256
 * random bits, stored only as its SHA-256, and is never a session: nothing is issued until
 * POST /auth/mfa/verify.
 */
export const secondFactorGate: SignInGate = async (deps, user, proofs) => {
  if (assuranceOf(proofs).aal === "aal2") return null;
  if (!user.mfaEnabled) return null;
  const methods = await offeredMethods(
    deps,
    user.id,
    proofs.map((proof) => proof.method),
  );
  if (methods.length === 0) {
    // The one factor proven is the user's only kind (a passkey without user verification,
    // for a user whose factors are all passkeys): the same again would not make two.
    throw new AuthError(
      "MFA_REQUIRED",
      "This sign-in proved one factor and your account needs two: sign in with your password, then your second factor.",
    );
  }
  const mfaToken = randomToken();
  const now = deps.clock();
  const ttl = deps.config.mfaTokenTtl;
  await deps.stores.secondFactors.createChallenge({
    tokenHash: sha256(mfaToken),
    userId: user.id,
    proofs: proofs.map((proof) => proof.method),
    ip: null,
    userAgent: null,
    expiresAt: new Date(now.getTime() + ttl * 1000),
    now,
  });
  return { mfaToken, methods, expiresIn: ttl };
};

/** The ways this user has to finish, but those that would prove again what was proven. */
export async function offeredMethods(
  deps: Deps,
  userId: string,
  proofs: readonly AuthMethod[],
): Promise<SecondFactorMethod[]> {
  const proven = new Set(proofs);
  const candidates = deps.secondFactors.filter((factor) => !proven.has(factor.proves));
  const offered = await Promise.all(candidates.map((factor) => factor.offered(deps, userId)));
  return candidates.filter((_, i) => offered[i]).map((factor) => factor.method);
}
