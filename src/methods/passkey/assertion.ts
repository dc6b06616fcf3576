import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";
import { auditRefusal, consumeChallenge, knownTransports, relyingParty } from "./ceremony.js";
import type { ChallengePurpose, Passkey } from "./store-port.js";
import { webauthn } from "./webauthn.js";

export interface VerifiedAssertion {
  passkey: Passkey;
  /** The authenticator verified the user (PIN or biometric): two factors in one. */
  userVerified: boolean;
}

/**
 * A passkey's answer to one of our challenges: the response must answer a live challenge of
 * this purpose (used up first, so never twice), name a registered credential (of `userId`,
 * when the challenge is bound to one; and its owner's user handle, when it carries one),
 * come from one of our origins for our RP ID with the user present, be signed by the
 * credential's key, and move its counter forward. Anything else: 401 INVALID_PASSKEY,
 * audited with the reason.
 */
export async function verifyAssertion(
  deps: Deps,
  response: AuthenticationResponseJSON,
  purpose: ChallengePurpose,
  userId: string | null,
  client: ClientContext,
): Promise<VerifiedAssertion> {
  const refuse = (owner: string | null, reason: string) =>
    refusal(deps, purpose, owner, client, reason);
  const clientData = response.response.clientDataJSON;
  const challenge = await consumeChallenge(deps, clientData, purpose, userId);
  if (challenge === null) throw await refuse(userId, "challenge");
  // The credential with its owner's handle: one statement where a lookup of each took two.
  const found = await deps.stores.passkeys.findForAssertion(response.id);
  if (!found || (userId !== null && found.passkey.userId !== userId)) {
    throw await refuse(userId, "unknown_credential");
  }
  const { passkey, ownerHandle } = found;
  const handle = response.response.userHandle;
  if (handle && handle !== ownerHandle) throw await refuse(passkey.userId, "user_handle");
  const rp = relyingParty(deps);
  const { verifyAuthenticationResponse } = await webauthn();
  const verified = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    // Counter 0 turns the library's own counter check off: recordUse makes it below, in the
    // same statement that stores the new value, so two responses cannot both pass it.
    credential: {
      id: passkey.credentialId,
      publicKey: Uint8Array.from(Buffer.from(passkey.publicKey, "base64url")),
      counter: 0,
      transports: knownTransports(passkey.transports),
    },
    // UP is always required; UV is preferred and reported (README, "Passkeys").
    requireUserVerification: false,
  }).catch(() => null);
  if (!verified?.verified) throw await refuse(passkey.userId, "response");
  const info = verified.authenticationInfo;
  await recordUse(deps, purpose, passkey, info, client);
  return { passkey, userVerified: info.userVerified };
}

/**
 * A counter that does not move forward means the credential's key is in two places (a cloned
 * authenticator) or the response was captured: refused and audited (WebAuthn Level 3
 * §6.1.1). An authenticator that keeps no counter always says 0, which passes.
 */
async function recordUse(
  deps: Deps,
  ceremony: ChallengePurpose,
  passkey: Passkey,
  {
    newCounter: counter,
    credentialBackedUp: backedUp,
  }: { newCounter: number; credentialBackedUp: boolean },
  client: ClientContext,
): Promise<void> {
  if (await deps.stores.passkeys.recordUse(passkey.id, counter, backedUp, deps.clock())) return;
  await deps.audit({
    type: "passkey.counter_regressed",
    outcome: "failure",
    userId: passkey.userId,
    client,
    details: { ceremony, passkeyId: passkey.id, stored: passkey.counter, presented: counter },
  });
  throw new AuthError("INVALID_PASSKEY");
}

async function refusal(
  deps: Deps,
  ceremony: ChallengePurpose,
  userId: string | null,
  client: ClientContext,
  reason: string,
): Promise<AuthError> {
  await auditRefusal(deps, ceremony, userId, client, reason);
  return new AuthError("INVALID_PASSKEY");
}
