import type { AuthenticatorTransportFuture, COSEAlgorithmIdentifier } from "@simplewebauthn/server";
import { sha256 } from "../../crypto/digest.js";
import { randomToken } from "../../crypto/random.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { CHALLENGE_TTL_MS, type ChallengePurpose } from "./store-port.js";
import { webauthnHelpers } from "./webauthn.js";

/**
 * ES256, EdDSA and RS256 only (COSE -7, -8, -257): what platform authenticators and security
 * keys offer, and what WebAuthn Level 3 §5.8.3 asks relying parties to list. A credential
 * with any other algorithm is refused at registration.
 */
export const SUPPORTED_ALGORITHMS: COSEAlgorithmIdentifier[] = [-8, -7, -257];

/** The browser's timeout, in ms: the challenge's own life, so neither outlives the other. */
export const CEREMONY_TIMEOUT_MS = CHALLENGE_TTL_MS;

const TRANSPORTS: readonly AuthenticatorTransportFuture[] = [
  "ble",
  "cable",
  "hybrid",
  "internal",
  "nfc",
  "smart-card",
  "usb",
];

/** The relying party as configured (WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME, WEBAUTHN_ORIGINS). */
export function relyingParty(deps: Deps) {
  const { webauthnRpId, webauthnRpName, webauthnOrigins } = deps.config;
  return { id: webauthnRpId, name: webauthnRpName, origins: [...webauthnOrigins] };
}

/**
 * A new challenge of 256 random bits (WebAuthn Level 3 §13.4.3 asks for at least 16 bytes),
 * stored only as its SHA-256 for 5 minutes and for one purpose (and user, when bound).
 */
export async function issueChallenge(
  deps: Deps,
  purpose: ChallengePurpose,
  userId: string | null,
): Promise<string> {
  const challenge = randomToken(32);
  await deps.stores.passkeys.createChallenge({
    challengeHash: sha256(challenge),
    purpose,
    userId,
    now: deps.clock(),
  });
  return challenge;
}

/**
 * The challenge a response answers, used up before anything else is checked: whatever the
 * outcome, it never answers a second response (a replay, or a race of two). Null when it
 * was not live, not of this purpose or not this user's. The library then checks that the
 * signed client data carries exactly this challenge.
 */
export async function consumeChallenge(
  deps: Deps,
  clientDataJSON: string,
  purpose: ChallengePurpose,
  userId: string | null,
): Promise<string | null> {
  const challenge = challengeOf(clientDataJSON, (await webauthnHelpers()).decodeClientDataJSON);
  if (challenge === null) return null;
  const used = await deps.stores.passkeys.consumeChallenge(
    sha256(challenge),
    purpose,
    userId,
    deps.clock(),
  );
  return used ? challenge : null;
}

function challengeOf(
  clientDataJSON: string,
  decodeClientDataJSON: (data: string) => { challenge?: unknown },
): string | null {
  try {
    const { challenge } = decodeClientDataJSON(clientDataJSON);
    return typeof challenge === "string" && challenge.length > 0 ? challenge : null;
  } catch {
    return null;
  }
}

/** The transports a browser reported that WebAuthn knows; anything else is dropped. */
export function knownTransports(reported: readonly string[]): AuthenticatorTransportFuture[] {
  return reported.filter((t): t is AuthenticatorTransportFuture =>
    (TRANSPORTS as readonly string[]).includes(t),
  );
}

/** A refused response, audited with why: the client hears only INVALID_PASSKEY. */
export async function auditRefusal(
  deps: Deps,
  ceremony: ChallengePurpose,
  userId: string | null,
  client: ClientContext,
  reason: string,
): Promise<void> {
  await deps.audit({
    type: "passkey.failure",
    outcome: "failure",
    userId,
    client,
    details: { ceremony, reason },
  });
}
