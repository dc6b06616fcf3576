import type { AccessClaims } from "../../crypto/access-tokens.js";
import { randomId } from "../../crypto/random.js";
import type { ClientContext } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import type { Proof } from "../../domain/sign-in/assurance.js";
import { issueSession, type TokenBundle } from "../../domain/sign-in/issue-session.js";
import { assertSteppedUp } from "../../domain/sign-in/step-up.js";
import { sessionRevoked } from "../../domain/webhook-events.js";
import { AuthError } from "../../errors.js";
import { mailFactorEvent } from "./mail.js";
import { qrSvg } from "./qr.js";
import { newRecoveryCodes, storedHashOf } from "./recovery-codes.js";
import { sealContext } from "./seal-context.js";
import { base32Of, matchingStep, newTotpSecret, otpauthUrl } from "./totp.js";

export interface TotpEnrolment {
  factorId: string;
  /** Base32, for typing into an app that cannot scan. */
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

/** A new, unconfirmed authenticator: it does nothing until confirmed with a code. */
export async function startTotpEnrolment(
  deps: Deps,
  claims: AccessClaims,
  name: string | null,
): Promise<TotpEnrolment> {
  await assertSteppedUp(deps, claims);
  const secret = newTotpSecret();
  const factorId = randomId();
  await deps.stores.secondFactors.createFactor({
    id: factorId,
    userId: claims.sub,
    type: "totp",
    name,
    secretSealed: deps.secrets.seal(secret, sealContext(factorId)),
    now: deps.clock(),
  });
  return enrolmentOf(deps, claims, factorId, secret);
}

/**
 * An enrolment not yet confirmed, shown again (the hosted page after a wrong code): the
 * same secret, so the app already set up keeps working. Null when there is none to show.
 */
export async function resumeTotpEnrolment(
  deps: Deps,
  claims: AccessClaims,
  factorId: string,
): Promise<TotpEnrolment | null> {
  const factor = await deps.stores.secondFactors.findFactor(claims.sub, factorId);
  if (!factor || factor.confirmedAt) return null;
  const secret = deps.secrets.open(factor.secretSealed, sealContext(factor.id));
  return secret ? enrolmentOf(deps, claims, factorId, secret) : null;
}

function enrolmentOf(
  deps: Deps,
  claims: AccessClaims,
  factorId: string,
  secret: Uint8Array,
): TotpEnrolment {
  const url = otpauthUrl(secret, { issuer: deps.config.brandName, account: claims.email });
  return { factorId, secret: base32Of(secret), otpauthUrl: url, qrSvg: qrSvg(url) };
}

export interface ConfirmedFactor {
  /** The caller's new session, at aal2; every other session of the user was revoked. */
  tokens: TokenBundle;
  /** Shown once, for the user's first factor only. */
  recoveryCodes: string[] | null;
}

/**
 * Activates an authenticator with a code from it. The code's step counts as used, the
 * user's other sessions end (someone who had the password may have one), and the caller
 * gets a new session at aal2: they just proved both factors.
 */
export async function confirmTotpFactor(
  deps: Deps,
  claims: AccessClaims,
  factorId: string,
  code: string,
  client: ClientContext,
): Promise<ConfirmedFactor> {
  const store = deps.stores.secondFactors;
  const now = deps.clock();
  const factor = await store.findFactor(claims.sub, factorId);
  if (!factor || factor.confirmedAt) throw new AuthError("FACTOR_NOT_FOUND");
  const secret = deps.secrets.open(factor.secretSealed, sealContext(factor.id));
  const step = secret ? matchingStep(secret, code, now) : null;
  if (step === null) throw new AuthError("INVALID_CODE");
  // Unconfirmed, and made within the last 15 minutes: else it is gone for the user too.
  const confirmed = await store.confirmFactor(claims.sub, factorId, step, now);
  if (!confirmed) throw new AuthError("FACTOR_NOT_FOUND");
  // Counted under the user's lock: of two confirms at once, only one is the first.
  const recoveryCodes = confirmed.factors === 1 ? newRecoveryCodes() : null;
  if (recoveryCodes) {
    await store.replaceRecoveryCodes(claims.sub, recoveryCodes.map(storedHashOf), now);
  }
  await deps.stores.sessions.revokeAllForUser(claims.sub, now, { event: sessionRevoked(now) });
  const user = await deps.stores.users.findById(claims.sub);
  if (!user) throw new AuthError("UNAUTHORIZED");
  await mailFactorEvent(deps, user, "added");
  await deps.audit({
    type: "mfa.factor.added",
    outcome: "success",
    userId: user.id,
    client,
    details: { factorId, type: "totp" },
  });
  const proven = claims.amr.map((method): Proof => ({ method }));
  const tokens = await issueSession(deps, {
    user,
    proofs: [...proven, { method: "otp" }],
    client,
  });
  return { tokens, recoveryCodes };
}
