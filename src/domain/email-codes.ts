import { hashCode } from "../crypto/digest.js";
import { randomCode } from "../crypto/random.js";
import type { StoredSecret, Stores, UserRecord } from "../storage/ports.js";
import type { Deps } from "./deps.js";

/** Stores a fresh email-verification code for the user (replacing any other) and returns it. */
export async function issueEmailCode(
  deps: Deps,
  stores: Stores,
  user: UserRecord,
  now: Date,
): Promise<string> {
  const code = randomCode();
  await stores.codes.put({
    userId: user.id,
    purpose: "email",
    kind: "code",
    secretHash: hashCode(user.id, "email", code),
    expiresAt: new Date(now.getTime() + deps.config.emailCodeTtl * 1000),
    now,
  });
  return code;
}

/**
 * Whether a new code may replace `last`: not inside RESEND_COOLDOWN of it, and not while
 * it is live with every try spent (a new code would inherit the spent count anyway).
 */
export function mayIssueAnother(deps: Deps, last: StoredSecret, now: Date): boolean {
  if (now.getTime() - last.createdAt.getTime() < deps.config.resendCooldown * 1000) return false;
  return !isSpent(deps, last, now);
}

/** Live, with every wrong try spent. */
export function isSpent(deps: Deps, secret: StoredSecret, now: Date): boolean {
  return secret.attempts >= deps.config.codeMaxAttempts && secret.expiresAt > now;
}

export function mailEmailCode(deps: Deps, user: UserRecord, code: string): void {
  deps.mailer.verificationCode(user, code, deps.config.emailCodeTtl);
}
