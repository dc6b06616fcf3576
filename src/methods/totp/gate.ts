import { sha256 } from "../../crypto/digest.js";
import { randomToken } from "../../crypto/random.js";
import type { SignInGate } from "../../domain/deps.js";
import { assuranceOf } from "../../domain/sign-in/assurance.js";

/** The ways to finish that this method offers; passkeys add theirs. */
export const SECOND_FACTOR_METHODS = ["totp", "recovery_code"] as const;
export type SecondFactorMethod = (typeof SECOND_FACTOR_METHODS)[number];

/**
 * A user with a confirmed factor gets no session from one factor: every one-factor way in
 * (password, reset, another provider) ends here with a challenge instead, so a reset cannot
 * bypass the second factor. The mfaToken is 256 random bits, stored only as its SHA-256,
 * and is never a session: nothing is issued until POST /auth/mfa/verify.
 */
export const secondFactorGate: SignInGate = async (deps, user, proofs) => {
  if (assuranceOf(proofs).aal === "aal2") return null;
  if (!user.mfaEnabled) return null;
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
  return { mfaToken, methods: [...SECOND_FACTOR_METHODS], expiresIn: ttl };
};
