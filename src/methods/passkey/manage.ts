import type { AccessClaims } from "../../crypto/access-tokens.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { assertSteppedUp } from "../../domain/sign-in/step-up.js";
import { AuthError } from "../../errors.js";
import { mailPasskeyEvent } from "./mail.js";
import type { Passkey } from "./store-port.js";

/** A passkey as its owner sees it: never its key, counter or credential ID. */
export interface PasskeyView {
  id: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  /** Synced to the user's other devices (a multi-device passkey that was backed up). */
  backedUp: boolean;
}

export function viewOf(passkey: Passkey): PasskeyView {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
    backedUp: passkey.backedUp,
  };
}

/** The signed-in user's passkeys, oldest first. */
export async function listPasskeys(deps: Deps, userId: string): Promise<PasskeyView[]> {
  return (await deps.stores.passkeys.listPasskeys(userId)).map(viewOf);
}

/** Names a passkey of the user's; another user's is not found, like one that does not exist. */
export async function renamePasskey(
  deps: Deps,
  claims: AccessClaims,
  id: string,
  name: string | null,
  client: ClientContext,
): Promise<PasskeyView> {
  await assertSteppedUp(deps, claims);
  const renamed = await deps.stores.passkeys.renamePasskey(claims.sub, id, name);
  if (!renamed) throw new AuthError("NOT_FOUND");
  await deps.audit({
    type: "passkey.renamed",
    outcome: "success",
    userId: claims.sub,
    client,
    details: { passkeyId: id },
  });
  return viewOf(renamed);
}

/** Removes a passkey of the user's, and tells them by mail. */
export async function removePasskey(
  deps: Deps,
  claims: AccessClaims,
  id: string,
  client: ClientContext,
): Promise<void> {
  await assertSteppedUp(deps, claims);
  const store = deps.stores.passkeys;
  const passkey = (await store.listPasskeys(claims.sub)).find((candidate) => candidate.id === id);
  if (!passkey || !(await store.deletePasskey(claims.sub, id, deps.clock())))
    throw new AuthError("NOT_FOUND");
  const user = await deps.stores.users.findById(claims.sub);
  if (user) await mailPasskeyEvent(deps, user, "removed", passkey.name);
  await deps.audit({
    type: "passkey.removed",
    outcome: "success",
    userId: claims.sub,
    client,
    details: { passkeyId: id },
  });
}
