import { type Actor, getUser } from "../../domain/admin.js";
import type { Deps } from "../../domain/deps.js";
import { sessionRevoked } from "../../domain/webhook-events.js";
import { mailFactorEvent } from "./mail.js";

/**
 * An admin's way back in for a user who lost every factor, and the only way to lift the
 * 100-failure lock: every factor of every method (apps, passkeys), recovery codes and
 * failure counts go, and every session ends (one may have been started by whoever locked it).
 */
export async function resetSecondFactors(deps: Deps, actor: Actor, userId: string): Promise<void> {
  const user = await getUser(deps, userId);
  const now = deps.clock();
  for (const factor of deps.secondFactors) await factor.removeAll?.(deps, user.id);
  await deps.stores.sessions.revokeAllForUser(user.id, now, { event: sessionRevoked(now) });
  await mailFactorEvent(deps, user, "reset");
  await deps.audit({
    type: "admin.mfa.reset",
    outcome: "success",
    userId: user.id,
    actorId: actor.id,
    ...(actor.client ? { client: actor.client } : {}),
  });
}
