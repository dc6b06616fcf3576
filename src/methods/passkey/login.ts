import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { type ClientContext, clientIp } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import type { Proof } from "../../domain/sign-in/assurance.js";
import { completeSignIn, type SignInResult } from "../../domain/sign-in/sign-in-step.js";
import { AuthError } from "../../errors.js";
import type { UserRecord } from "../../storage/ports.js";
import { verifyAssertion } from "./assertion.js";
import { CEREMONY_TIMEOUT_MS, issueChallenge, relyingParty } from "./ceremony.js";
import { webauthn } from "./webauthn.js";

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
  const { generateAuthenticationOptions } = await webauthn();
  return generateAuthenticationOptions({
    rpID: relyingParty(deps).id,
    challenge: Uint8Array.from(Buffer.from(challenge, "base64url")),
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: "preferred",
  });
}

/**
 * Signs in with a passkey (assertion.ts checks it against a sign-in challenge). With UV the
 * passkey is two factors in one (aal2); without, one factor, and the gates may ask for
 * another.
 */
export async function passkeyLogin(
  deps: Deps,
  response: AuthenticationResponseJSON,
  client: ClientContext,
): Promise<SignInResult> {
  await deps.limits.hit("login", { ip: clientIp(client) });
  const { passkey, userVerified } = await verifyAssertion(deps, response, "login", null, client);
  const user = await deps.stores.users.findById(passkey.userId);
  if (!user) throw new AuthError("INVALID_PASSKEY");
  assertMaySignIn(deps, user);
  const proof: Proof = { method: "passkey", multiFactor: userVerified };
  return completeSignIn(deps, { user, proofs: [proof], client, event: "login.success" });
}

/** Status is told only after the passkey is proven, as password login does. */
function assertMaySignIn(deps: Deps, user: UserRecord): void {
  if (user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  if (user.status === "pending" && deps.config.requireEmailVerification) {
    throw new AuthError("EMAIL_NOT_VERIFIED");
  }
}
