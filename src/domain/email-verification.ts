import { hashCode } from "../crypto/digest.js";
import { AuthError } from "../errors.js";
import type { UserRecord } from "../storage/ports.js";
import { type ClientContext, clientIp, type Deps } from "./deps.js";
import { issueEmailCode, mayIssueAnother } from "./email-codes.js";
import { isCode, isUserId, normalizeEmail } from "./input-rules.js";
import { assertNever, validEmail } from "./validate.js";

export interface VerifyEmailInput {
  code: string;
  userId?: string | undefined;
  email?: string | undefined;
}

export async function verifyEmail(
  deps: Deps,
  input: VerifyEmailInput,
  client: ClientContext,
): Promise<UserRecord> {
  if (input.userId === undefined && input.email === undefined) {
    throw new AuthError("VALIDATION_FAILED", "Give the userId or the email.", [
      { field: "userId", message: "userId or email is required." },
    ]);
  }
  if (!isCode(input.code)) {
    throw new AuthError("VALIDATION_FAILED", undefined, [
      { field: "code", message: "The code is exactly 6 digits." },
    ]);
  }
  const user = await findUser(deps, input);
  // Per IP across accounts too: guessing one code against many accounts trips it. The
  // account is counted by id whether it was named by id or by email: one budget.
  await deps.limits.hit("verify", {
    ip: clientIp(client),
    account: user?.id ?? input.userId ?? input.email?.trim().toLowerCase(),
  });
  // An unknown account answers like a wrong code: the route must not tell who exists.
  if (!user) throw new AuthError("INVALID_CODE");
  if (user.emailVerifiedAt !== null) throw new AuthError("ALREADY_VERIFIED");

  const now = deps.clock();
  // Atomic on its own; no transaction around it, or a wrong try's count would roll back.
  const result = await deps.stores.codes.consumeForUser(
    user.id,
    "email",
    hashCode(user.id, "email", input.code),
    now,
    deps.config.codeMaxAttempts,
  );
  if (!result.ok) {
    await deps.audit({
      type: "email.verified",
      outcome: "failure",
      userId: user.id,
      client,
      details: { reason: result.reason },
    });
    switch (result.reason) {
      case "missing":
      case "mismatch":
        throw new AuthError("INVALID_CODE");
      case "expired":
        throw new AuthError("CODE_EXPIRED");
      case "exhausted":
        throw new AuthError("TOO_MANY_ATTEMPTS");
      default:
        return assertNever(result.reason);
    }
  }
  const verified = await deps.stores.users.update(
    user.id,
    { emailVerifiedAt: now, ...(user.status === "pending" ? { status: "active" as const } : {}) },
    now,
  );
  if (!verified) throw new AuthError("INVALID_CODE");
  await deps.audit({ type: "email.verified", outcome: "success", userId: user.id, client });
  return verified;
}

async function findUser(deps: Deps, input: VerifyEmailInput): Promise<UserRecord | null> {
  if (input.userId !== undefined) {
    return isUserId(input.userId) ? deps.stores.users.findById(input.userId) : null;
  }
  const email = normalizeEmail(input.email ?? "");
  return email.ok ? deps.stores.users.findByEmail(email.value) : null;
}

/**
 * Mails a new code to an unverified account. Answers nothing either way, so the
 * caller's reply cannot tell whether the email has an account; inside RESEND_COOLDOWN
 * of the last code nothing is sent.
 */
export async function resendVerificationCode(
  deps: Deps,
  rawEmail: string,
  client: ClientContext,
): Promise<void> {
  const email = validEmail(rawEmail);
  await deps.limits.hit("resend", { ip: clientIp(client), account: email });
  const user = await deps.stores.users.findByEmail(email);
  if (!user || user.emailVerifiedAt !== null || user.status === "blocked") return;
  const now = deps.clock();
  const last = await deps.stores.codes.find(user.id, "email");
  if (last && !mayIssueAnother(deps, last, now)) return;
  await deps.stores.transaction((stores) => issueEmailCode(deps, stores, user, now));
}
