import { sha256 } from "../../crypto/digest.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import type { Proof } from "../../domain/sign-in/assurance.js";
import { issueSession, type TokenBundle } from "../../domain/sign-in/issue-session.js";
import { AuthError } from "../../errors.js";
import { LOCK_AFTER_FAILURES, secondsToWait } from "./failure-delay.js";
import type { SecondFactorMethod } from "./gate.js";
import { mailFactorEvent } from "./mail.js";
import { normalizeRecoveryCode, recoveryCodeHash } from "./recovery-codes.js";
import { sealContext } from "./seal-context.js";
import { matchingStep } from "./totp.js";

/** An mfaToken dies after this many wrong codes (README, "Second factors", Limits). */
export const MAX_WRONG_CODES_PER_TOKEN = 5;

export interface VerifyInput {
  mfaToken: string | undefined;
  method: SecondFactorMethod;
  code: string;
}

/**
 * Finishes a sign-in that a second factor was asked of: the code is checked against the
 * challenge's user, then the challenge is used up (once, whatever the concurrency) and a
 * session issued with both proofs, aal2.
 */
export async function verifySecondFactor(
  deps: Deps,
  input: VerifyInput,
  client: ClientContext,
): Promise<TokenBundle> {
  if (!input.mfaToken) throw new AuthError("INVALID_MFA_TOKEN");
  const store = deps.stores.secondFactors;
  const tokenHash = sha256(input.mfaToken);
  const now = deps.clock();
  const challenge = await store.findLiveChallenge(tokenHash, now);
  if (!challenge) throw new AuthError("INVALID_MFA_TOKEN");
  const { userId } = challenge;

  const failures = await store.failureState(userId, input.method);
  if (failures.lockedAt) {
    throw new AuthError(
      "TOO_MANY_ATTEMPTS",
      "This second factor is locked after too many wrong codes. Ask an admin to reset it.",
    );
  }
  const wait = secondsToWait(failures, now);
  if (wait > 0) throw new AuthError("RATE_LIMITED", undefined, undefined, wait);

  const proven =
    input.method === "totp"
      ? await claimTotp(deps, userId, input.code, now)
      : await useRecoveryCode(deps, userId, input.code, now);
  if (!proven) {
    await store.countChallengeFailure(tokenHash, now, MAX_WRONG_CODES_PER_TOKEN);
    const state = await store.recordFailure(userId, input.method, now, LOCK_AFTER_FAILURES);
    if (state.lockedAt !== null && state.consecutive === LOCK_AFTER_FAILURES) {
      const user = await deps.stores.users.findById(userId);
      if (user) await mailFactorEvent(deps, user, "locked");
    }
    await deps.audit({
      type: "mfa.failure",
      outcome: "failure",
      userId,
      client,
      details: { method: input.method },
    });
    throw new AuthError("INVALID_CODE");
  }

  const consumed = await store.consumeChallenge(tokenHash, now);
  if (!consumed) throw new AuthError("INVALID_MFA_TOKEN");
  // Read above: in the usual case there is no count to clear, and a statement saved is a
  // round trip saved (BENCHMARKS.md, "Second factors"). A wrong code counted meanwhile by
  // a concurrent request stays counted: the stricter outcome.
  if (failures.consecutive > 0) await store.clearFailures(userId, input.method);
  const user = await deps.stores.users.findById(userId);
  if (!user || user.status === "blocked") throw new AuthError("INVALID_MFA_TOKEN");
  const second: Proof = { method: input.method === "totp" ? "otp" : "recovery_code" };
  return issueSession(deps, {
    user,
    proofs: [...consumed.proofs.map((method): Proof => ({ method })), second],
    client,
    event: "login.success",
  });
}

/**
 * A code of one of the user's confirmed authenticators, in a time step not used before:
 * the step is claimed in one UPDATE, so a code replayed inside its window, or sent ten
 * times at once, is accepted exactly once (ASVS 5.0 6.5.1).
 */
async function claimTotp(deps: Deps, userId: string, code: string, now: Date): Promise<boolean> {
  const store = deps.stores.secondFactors;
  for (const factor of await store.listFactors(userId)) {
    const secret = deps.secrets.open(factor.secretSealed, sealContext(factor.id));
    if (!secret) continue;
    const step = matchingStep(secret, code, now);
    if (step !== null) return store.claimStep(factor.id, step, now);
  }
  return false;
}

async function useRecoveryCode(
  deps: Deps,
  userId: string,
  typed: string,
  now: Date,
): Promise<boolean> {
  const code = normalizeRecoveryCode(typed);
  if (!code) return false;
  return deps.stores.secondFactors.useRecoveryCode(userId, recoveryCodeHash(code), now);
}
