import type { Deps, SecondFactor } from "../../domain/deps.js";
import { normalizeRecoveryCode, recoveryCodeHash } from "./recovery-codes.js";
import { sealContext } from "./seal-context.js";
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
  const store = deps.stores.secondFactors;
  for (const factor of await store.listFactors(userId)) {
    const secret = deps.secrets.open(factor.secretSealed, sealContext(factor.id));
    if (!secret) continue;
    const step = matchingStep(secret, code, now);
    if (step !== null) return store.claimStep(factor.id, step, now);
  }
  return false;
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
