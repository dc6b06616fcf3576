import { sha256 } from "../../crypto/digest.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps, SecondFactor, SecondFactorAnswer } from "../../domain/deps.js";
import type { Proof } from "../../domain/sign-in/assurance.js";
import { issueSession, type TokenBundle } from "../../domain/sign-in/issue-session.js";
import type { AuthMethod, SecondFactorMethod } from "../../domain/vocabulary.js";
import { AuthError } from "../../errors.js";
import { claimStepAndConsume } from "./factors.js";
import { LOCK_AFTER_FAILURES, secondsToWait } from "./failure-delay.js";
import { mailFactorEvent } from "./mail.js";
import type { FailureMethod, FailureState, MfaChallenge } from "./store-port.js";

/** An mfaToken dies after this many wrong answers (README, "Second factors", Limits). */
export const MAX_WRONG_CODES_PER_TOKEN = 5;

export interface VerifyInput extends SecondFactorAnswer {
  mfaToken: string | undefined;
  method: SecondFactorMethod;
}

/**
 * Finishes a sign-in that a second factor was asked of: the answer is checked against the
 * challenge's user by the factor the client named, then the challenge is used up (once,
 * whatever the concurrency) and a session issued with both proofs, aal2.
 */
export async function verifySecondFactor(
  deps: Deps,
  input: VerifyInput,
  client: ClientContext,
): Promise<TokenBundle> {
  const factor = deps.secondFactors.find((f) => f.method === input.method);
  // Schema-checked, so only a server without that method switched on gets here.
  if (!factor) throw new AuthError("VALIDATION_FAILED", "This server does not offer that method.");
  const guessed = guessCounter(factor);
  const { userId, tokenHash, failures } = await liveChallenge(deps, input.mfaToken, guessed);
  const store = deps.stores.secondFactors;
  const now = deps.clock();
  if (failures?.lockedAt) {
    throw new AuthError(
      "TOO_MANY_ATTEMPTS",
      "This second factor is locked after too many wrong codes. Ask an admin to reset it.",
    );
  }
  const wait = failures ? secondsToWait(failures, now) : 0;
  if (wait > 0) throw new AuthError("RATE_LIMITED", undefined, undefined, wait);

  const answer = await answerAndUseUp(deps, factor, { userId, tokenHash, input, client, now });
  if (!answer.right) {
    await store.countChallengeFailure(tokenHash, now, MAX_WRONG_CODES_PER_TOKEN);
    if (guessed) await countGuess(deps, userId, guessed, now);
    await deps.audit({
      type: "mfa.failure",
      outcome: "failure",
      userId,
      client,
      details: { method: factor.method },
    });
    throw new AuthError(factor.wrongAnswer);
  }

  const consumed = answer.challenge;
  if (!consumed) throw new AuthError("INVALID_MFA_TOKEN");
  // Read above: in the usual case there is no count to clear, and a statement saved is a
  // round trip saved (BENCHMARKS.md, "Second factors"). A wrong code counted meanwhile by
  // a concurrent request stays counted: the stricter outcome.
  if (guessed && failures && failures.consecutive > 0) await store.clearFailures(userId, guessed);
  const user = await deps.stores.users.findById(userId);
  if (!user || user.status === "blocked") throw new AuthError("INVALID_MFA_TOKEN");
  const first = consumed.proofs.map((method): Proof => ({ method }));
  return issueSession(deps, {
    user,
    proofs: [...first, { method: factor.proves }],
    client,
    // The sign-in's one event says which factor finished it (and the metric counts it).
    event: "login.success",
    eventDetails: { secondFactor: factor.method },
  });
}

export interface LiveChallenge {
  userId: string;
  tokenHash: string;
  /** What the user proved before the challenge. */
  proofs: AuthMethod[];
  /** The user's failure state for the counter asked for (read in the same statement). */
  failures: FailureState | null;
}

/**
 * The user a live mfaToken belongs to, and what they proved: 401 INVALID_MFA_TOKEN for any
 * other. With `failuresOf`, their failure state for that counter too.
 */
export async function liveChallenge(
  deps: Deps,
  mfaToken: string | undefined,
  failuresOf: FailureMethod | null = null,
): Promise<LiveChallenge> {
  if (!mfaToken) throw new AuthError("INVALID_MFA_TOKEN");
  const tokenHash = sha256(mfaToken);
  const store = deps.stores.secondFactors;
  const now = deps.clock();
  const found = failuresOf
    ? await store.findLiveChallengeWithFailures(tokenHash, now, failuresOf)
    : await store
        .findLiveChallenge(tokenHash, now)
        .then((c) => c && { challenge: c, failures: null });
  if (!found) throw new AuthError("INVALID_MFA_TOKEN");
  const { challenge, failures } = found;
  return { userId: challenge.userId, tokenHash, proofs: challenge.proofs, failures };
}

interface Answering {
  userId: string;
  tokenHash: string;
  input: VerifyInput;
  client: ClientContext;
  now: Date;
}

/**
 * Checks the answer and, when right, uses the challenge up: `challenge` is null when
 * another request used it first. TOTP does both in one statement (BENCHMARKS.md, "Second
 * factors": each statement waited for costs this process 0.1–0.2 ms); a wrong code uses
 * nothing up either way.
 */
async function answerAndUseUp(
  deps: Deps,
  factor: SecondFactor,
  { userId, tokenHash, input, client, now }: Answering,
): Promise<{ right: boolean; challenge: MfaChallenge | null }> {
  if (factor.method === "totp") {
    return claimStepAndConsume(deps, userId, input.code, tokenHash, now);
  }
  if (!(await factor.verify(deps, userId, input, client))) return { right: false, challenge: null };
  return {
    right: true,
    challenge: await deps.stores.secondFactors.consumeChallenge(tokenHash, now),
  };
}

/** The per-user counter a factor's wrong answers go to; none for one that cannot be guessed. */
function guessCounter(factor: SecondFactor): FailureMethod | null {
  if (!factor.guessable) return null;
  return factor.method === "totp" || factor.method === "recovery_code" ? factor.method : null;
}

async function countGuess(
  deps: Deps,
  userId: string,
  method: FailureMethod,
  now: Date,
): Promise<void> {
  const state = await deps.stores.secondFactors.recordFailure(
    userId,
    method,
    now,
    LOCK_AFTER_FAILURES,
  );
  if (state.lockedAt !== null && state.consecutive === LOCK_AFTER_FAILURES) {
    const user = await deps.stores.users.findById(userId);
    if (user) await mailFactorEvent(deps, user, "locked");
  }
}
