import type { AccessClaims } from "../../crypto/access-tokens.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { assertSteppedUp } from "../../domain/sign-in/step-up.js";
import { AuthError } from "../../errors.js";
import { mailFactorEvent } from "./mail.js";
import { newRecoveryCodes, storedHashOf } from "./recovery-codes.js";

export interface FactorView {
  id: string;
  type: "totp";
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The user's confirmed factors and how many recovery codes are left. */
export async function listSecondFactors(
  deps: Deps,
  userId: string,
): Promise<{ factors: FactorView[]; recoveryCodesLeft: number }> {
  const store = deps.stores.secondFactors;
  const factors = await store.listFactors(userId);
  return {
    factors: factors.map((factor) => ({
      id: factor.id,
      type: factor.type,
      name: factor.name,
      createdAt: factor.createdAt.toISOString(),
      lastUsedAt: factor.lastUsedAt?.toISOString() ?? null,
    })),
    recoveryCodesLeft: await store.countRecoveryCodesLeft(userId),
  };
}

/** Removes a factor; the last one takes the recovery codes with it (the user has no MFA). */
export async function removeSecondFactor(
  deps: Deps,
  claims: AccessClaims,
  factorId: string,
  client: ClientContext,
): Promise<void> {
  await assertSteppedUp(deps, claims);
  const store = deps.stores.secondFactors;
  // The store drops the recovery codes with the last confirmed factor, under the user's lock.
  if (!(await store.deleteFactor(claims.sub, factorId, deps.clock())))
    throw new AuthError("FACTOR_NOT_FOUND");
  const user = await deps.stores.users.findById(claims.sub);
  if (user) await mailFactorEvent(deps, user, "removed");
  await deps.audit({
    type: "mfa.factor.removed",
    outcome: "success",
    userId: claims.sub,
    client,
    details: { factorId },
  });
}

/**
 * A new set of recovery codes, shown once; the earlier set stops working. For a user with
 * any second factor (a passkey too): codes are what is left when the device is lost.
 */
export async function regenerateRecoveryCodes(deps: Deps, claims: AccessClaims): Promise<string[]> {
  await assertSteppedUp(deps, claims);
  const store = deps.stores.secondFactors;
  const user = await deps.stores.users.findById(claims.sub);
  if (!user?.mfaEnabled) throw new AuthError("FACTOR_NOT_FOUND");
  const codes = newRecoveryCodes();
  await store.replaceRecoveryCodes(claims.sub, codes.map(storedHashOf), deps.clock());
  return codes;
}
