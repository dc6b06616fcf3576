import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { AccessClaims } from "../../crypto/access-tokens.js";
import { randomId, randomToken } from "../../crypto/random.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { assertSteppedUp } from "../../domain/sign-in/step-up.js";
import { AuthError } from "../../errors.js";
import {
  auditRefusal,
  CEREMONY_TIMEOUT_MS,
  consumeChallenge,
  issueChallenge,
  knownTransports,
  relyingParty,
  SUPPORTED_ALGORITHMS,
} from "./ceremony.js";
import { RefusedRegistration } from "./errors.js";
import { mailPasskeyEvent } from "./mail.js";
import { type PasskeyView, viewOf } from "./manage.js";
import { webauthn } from "./webauthn.js";

/** Bytes of a user handle: WebAuthn allows up to 64; 32 random ones are unguessable. */
const USER_HANDLE_BYTES = 32;

/**
 * Options for the browser to create a passkey for the signed-in user: a challenge bound to
 * them, their random user handle, the algorithms we accept, and their passkeys excluded (so
 * an authenticator that holds one says so instead of making a second).
 */
export async function passkeyRegistrationOptions(
  deps: Deps,
  claims: AccessClaims,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await assertSteppedUp(deps, claims);
  const user = await deps.stores.users.findById(claims.sub);
  if (!user) throw new AuthError("UNAUTHORIZED");
  const store = deps.stores.passkeys;
  const handle = await store.userHandle(user.id, randomToken(USER_HANDLE_BYTES));
  const existing = await store.listPasskeys(user.id);
  const challenge = await issueChallenge(deps, "register", user.id);
  const rp = relyingParty(deps);
  const { generateRegistrationOptions } = await webauthn();
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name ?? user.email,
    userID: bytesOf(handle),
    challenge: bytesOf(challenge),
    timeout: CEREMONY_TIMEOUT_MS,
    // No attestation: Latchkey trusts no vendor list, and asking would only cost privacy.
    attestationType: "none",
    excludeCredentials: existing.map((passkey) => ({
      id: passkey.credentialId,
      transports: knownTransports(passkey.transports),
    })),
    // A discoverable credential allows usernameless sign-in; UV makes it two factors in one.
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
}

export interface RegistrationInput {
  response: RegistrationResponseJSON;
  name: string | null;
}

/**
 * Keeps the passkey the browser created, once the response answers a live registration
 * challenge of this user from one of our origins, for our RP ID, with the user present
 * and an accepted algorithm. Its owner is mailed.
 */
export async function registerPasskey(
  deps: Deps,
  claims: AccessClaims,
  input: RegistrationInput,
  client: ClientContext,
): Promise<PasskeyView> {
  await assertSteppedUp(deps, claims);
  const { response } = input;
  const challenge = await consumeChallenge(
    deps,
    response.response.clientDataJSON,
    "register",
    claims.sub,
  );
  if (challenge === null) throw await refuse(deps, claims.sub, client, "challenge");
  const rp = relyingParty(deps);
  const { verifyRegistrationResponse } = await webauthn();
  const verified = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserPresence: true,
    // Preferred, not required: without UV the passkey is still one factor (README, "Passkeys").
    requireUserVerification: false,
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  }).catch(() => null);
  if (!verified?.verified) throw await refuse(deps, claims.sub, client, "response");
  const info = verified.registrationInfo;
  const passkey = await deps.stores.passkeys.addPasskey({
    id: randomId(),
    userId: claims.sub,
    credentialId: info.credential.id,
    publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
    counter: info.credential.counter,
    transports: knownTransports(response.response.transports ?? []),
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name: input.name,
    now: deps.clock(),
  });
  // The same authenticator registered again, by this user or another.
  if (!passkey) throw await refuse(deps, claims.sub, client, "registered");
  const user = await deps.stores.users.findById(claims.sub);
  if (user) await mailPasskeyEvent(deps, user, "added", passkey.name);
  await deps.audit({
    type: "passkey.added",
    outcome: "success",
    userId: claims.sub,
    client,
    details: { passkeyId: passkey.id, userVerified: info.userVerified },
  });
  return viewOf(passkey);
}

async function refuse(
  deps: Deps,
  userId: string,
  client: ClientContext,
  reason: string,
): Promise<AuthError> {
  await auditRefusal(deps, "register", userId, client, reason);
  return new RefusedRegistration();
}

function bytesOf(base64url: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(base64url, "base64url"));
}
