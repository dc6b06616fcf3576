import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
} from "@simplewebauthn/server";
import { Compile } from "typebox/compile";
import type { SecondFactor } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";
import { verifyAssertion } from "./assertion.js";
import { CEREMONY_TIMEOUT_MS, issueChallenge, knownTransports, relyingParty } from "./ceremony.js";
import { AuthenticationResponse } from "./schemas.js";

const isAuthenticationResponse = Compile(AuthenticationResponse);

/**
 * A passkey as the second factor after a password, a reset or another provider: the
 * challenge is bound to the user and lists only their own credentials, so another user's
 * passkey cannot answer it (WebAuthn Level 3 §7.2 step 6).
 */
export const passkeyFactor: SecondFactor = {
  method: "passkey",
  proves: "passkey",
  wrongAnswer: "INVALID_PASSKEY",
  // A signature cannot be guessed: only the mfaToken counts its failures.
  guessable: false,
  offered: (deps, userId) => deps.stores.passkeys.hasPasskey(userId),
  removeAll: async (deps, userId) => {
    await deps.stores.passkeys.deleteAllPasskeys(userId, deps.clock());
  },

  async options(deps, userId) {
    const passkeys = await deps.stores.passkeys.listPasskeys(userId);
    const challenge = await issueChallenge(deps, "mfa", userId);
    return generateAuthenticationOptions({
      rpID: relyingParty(deps).id,
      challenge: Uint8Array.from(Buffer.from(challenge, "base64url")),
      timeout: CEREMONY_TIMEOUT_MS,
      userVerification: "preferred",
      allowCredentials: passkeys.map((passkey) => ({
        id: passkey.credentialId,
        transports: knownTransports(passkey.transports),
      })),
    });
  },

  async verify(deps, userId, { response }, client) {
    if (!isAuthenticationResponse.Check(response)) return false;
    try {
      await verifyAssertion(deps, response as AuthenticationResponseJSON, "mfa", userId, client);
      return true;
    } catch (error) {
      if (error instanceof AuthError && error.code === "INVALID_PASSKEY") return false;
      throw error;
    }
  },
};
