import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { SecondFactor } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";
import { lazily } from "../../process/lazy.js";
import { verifyAssertion } from "./assertion.js";
import { CEREMONY_TIMEOUT_MS, issueChallenge, knownTransports, relyingParty } from "./ceremony.js";
import { AuthenticationResponse } from "./schemas.js";
import { webauthn } from "./webauthn.js";

/**
 * The body's shape, checked here as the second-factor route takes any method's answer.
 * TypeBox's compiler is used nowhere else (Fastify validates with Ajv): imported and
 * compiled at the first passkey answer, not at start, it keeps ~2 MiB of heap off every
 * server that never sees one (BENCHMARKS.md, "Memory (RSS)").
 */
const authenticationResponseCheck = lazily(async () => {
  const { Compile } = await import("typebox/compile");
  return Compile(AuthenticationResponse);
});

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
    const { generateAuthenticationOptions } = await webauthn();
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
    if (!(await authenticationResponseCheck()).Check(response)) return false;
    try {
      await verifyAssertion(deps, response as AuthenticationResponseJSON, "mfa", userId, client);
      return true;
    } catch (error) {
      if (error instanceof AuthError && error.code === "INVALID_PASSKEY") return false;
      throw error;
    }
  },
};
