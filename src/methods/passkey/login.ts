import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
} from "@simplewebauthn/server";
import { type ClientContext, clientIp } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import type { Proof } from "../../domain/sign-in/assurance.js";
import { completeSignIn, type SignInResult } from "../../domain/sign-in/sign-in-step.js";
import { AuthError } from "../../errors.js";
import type { UserRecord } from "../../storage/ports.js";
import {
  CEREMONY_TIMEOUT_MS,
  consumeChallenge,
  issueChallenge,
  knownTransports,
  relyingParty,
} from "./ceremony.js";
import type { Passkey } from "./store-port.js";

/**
 * Options for a usernameless sign-in. They never list credentials (no allowCredentials),
 * with or without an email: the browser offers the discoverable passkeys it holds for our
 * RP ID, and the answer is the same for a known and an unknown email, so it tells no one
 * whether an account exists. The email is accepted for clients of other servers that send
 * it, and ignored.
 */
export async function passkeyLoginOptions(
  deps: Deps,
  client: ClientContext,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  // Each call stores a challenge: the login limit keeps an address from filling the table.
  await deps.limits.hit("login", { ip: clientIp(client) });
  const challenge = await issueChallenge(deps, "login", null);
  return generateAuthenticationOptions({
    rpID: relyingParty(deps).id,
    challenge: Uint8Array.from(Buffer.from(challenge, "base64url")),
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: "preferred",
  });
}

/**
 * Signs in with a passkey: the response must answer a live sign-in challenge (used up
 * first), name a registered credential (and its owner's user handle, when it carries one),
 * come from one of our origins for our RP ID with the user present, be signed by the
 * credential's key, and move its counter forward. With UV the passkey is two factors in one
 * (aal2); without, one factor, and the gates may ask for another.
 */
export async function passkeyLogin(
  deps: Deps,
  response: AuthenticationResponseJSON,
  client: ClientContext,
): Promise<SignInResult> {
  await deps.limits.hit("login", { ip: clientIp(client) });
  const challenge = await consumeChallenge(deps, response.response.clientDataJSON, "login", null);
  if (challenge === null) throw await refuse(deps, null, client, "challenge");
  const passkey = await deps.stores.passkeys.findByCredentialId(response.id);
  if (!passkey) throw await refuse(deps, null, client, "unknown_credential");
  const handle = response.response.userHandle;
  if (handle && (await deps.stores.passkeys.userOfHandle(handle)) !== passkey.userId) {
    throw await refuse(deps, passkey.userId, client, "user_handle");
  }
  const rp = relyingParty(deps);
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
  if (!verified?.verified) throw await refuse(deps, passkey.userId, client, "response");
  const info = verified.authenticationInfo;
  await recordUse(deps, passkey, info.newCounter, info.credentialBackedUp, client);

  const user = await deps.stores.users.findById(passkey.userId);
  if (!user) throw await refuse(deps, passkey.userId, client, "no_user");
  assertMaySignIn(deps, user);
  const proof: Proof = { method: "passkey", multiFactor: info.userVerified };
  return completeSignIn(deps, { user, proofs: [proof], client, event: "login.success" });
}

/**
 * A counter that does not move forward means the credential's key is in two places (a cloned
 * authenticator) or the response was captured: refused and audited (WebAuthn Level 3
 * §6.1.1). An authenticator that keeps no counter always says 0, which passes.
 */
async function recordUse(
  deps: Deps,
  passkey: Passkey,
  counter: number,
  backedUp: boolean,
  client: ClientContext,
): Promise<void> {
  if (await deps.stores.passkeys.recordUse(passkey.id, counter, backedUp, deps.clock())) return;
  await deps.audit({
    type: "passkey.counter_regressed",
    outcome: "failure",
    userId: passkey.userId,
    client,
    details: { passkeyId: passkey.id, stored: passkey.counter, presented: counter },
  });
  throw new AuthError("INVALID_PASSKEY");
}

/** Status is told only after the passkey is proven, as password login does. */
function assertMaySignIn(deps: Deps, user: UserRecord): void {
  if (user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  if (user.status === "pending" && deps.config.requireEmailVerification) {
    throw new AuthError("EMAIL_NOT_VERIFIED");
  }
}

async function refuse(
  deps: Deps,
  userId: string | null,
  client: ClientContext,
  reason: string,
): Promise<AuthError> {
  await deps.audit({
    type: "passkey.failure",
    outcome: "failure",
    userId,
    client,
    details: { ceremony: "login", reason },
  });
  return new AuthError("INVALID_PASSKEY");
}
