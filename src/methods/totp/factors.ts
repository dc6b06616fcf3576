import type { Deps, SecondFactor } from "../../domain/deps.js";
import { normalizeRecoveryCode, recoveryCodeHash } from "./recovery-codes.js";
import { sealContext } from "./seal-context.js";
import type { MfaChallenge } from "./store-port.js";
import { matchingStep } from "./totp.js";

/**
 * A code of one of the user's confirmed authenticators, in a time step not used before:
 * the step is claimed in one UPDATE, so a code replayed inside its window, or sent ten
 * times at once, is accepted exactly once (ASVS 5.0 6.5.1).
 */
export const totpFactor: SecondFactor = {
  method: "totp",
  proves: "otp",
  wrongAnswer: "INVALID_CODE",
  guessable: true,
  offered: (deps, userId) => deps.stores.secondFactors.hasConfirmedFactor(userId),
  // The apps, every recovery code and the failure counts (and locks) of both.
  removeAll: async (deps, userId) => {
    await deps.stores.secondFactors.deleteAllFactors(userId, deps.clock());
  },
  async verify(deps, userId, { code }) {
    return code !== undefined && claimStep(deps, userId, code, deps.clock());
  },
};

async function claimStep(deps: Deps, userId: string, code: string, now: Date): Promise<boolean> {
  const match = await matchingFactor(deps, userId, code, now);
  return match !== null && deps.stores.secondFactors.claimStep(match.factorId, match.step, now);
}

/**
 * A sign-in's TOTP answer: the step claimed and the mfaToken's challenge used up in one
 * statement (store.claimStepAndConsume). `right` as totpFactor.verify would answer.
 */
export async function claimStepAndConsume(
  deps: Deps,
  userId: string,
  code: string | undefined,
  tokenHash: string,
  now: Date,
): Promise<{ right: boolean; challenge: MfaChallenge | null }> {
  const match = code === undefined ? null : await matchingFactor(deps, userId, code, now);
  if (!match) return { right: false, challenge: null };
  const { claimed, challenge } = await deps.stores.secondFactors.claimStepAndConsume(
    match.factorId,
    match.step,
    tokenHash,
    now,
  );
  return { right: claimed, challenge };
}

/** The first of the user's confirmed authenticators that `code` is a code of, and its step. */
async function matchingFactor(deps: Deps, userId: string, code: string, now: Date) {
  for (const factor of await deps.stores.secondFactors.listFactors(userId)) {
    const secret = deps.secrets.open(factor.secretSealed, sealContext(factor.id));
    if (!secret) continue;
    const step = matchingStep(secret, code, now);
    if (step !== null) return { factorId: factor.id, step };
  }
  return null;
}

/** One of the user's recovery codes, typed with or without dashes, used up once. */
export const recoveryCodeFactor: SecondFactor = {
  method: "recovery_code",
  proves: "recovery_code",
  wrongAnswer: "INVALID_CODE",
  guessable: true,
  offered: async (deps, userId) =>
    (await deps.stores.secondFactors.countRecoveryCodesLeft(userId)) > 0,
  async verify(deps, userId, { code }) {
    const normalized = code === undefined ? null : normalizeRecoveryCode(code);
    if (!normalized) return false;
    return deps.stores.secondFactors.useRecoveryCode(
      userId,
      recoveryCodeHash(normalized),
      deps.clock(),
    );
  },
};
