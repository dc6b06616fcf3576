import { hashCode } from "../crypto/digest.js";
import { AuthError } from "../errors.js";
import { UniqueViolation, type UserPatch, type UserRecord } from "../storage/ports.js";
import { type ClientContext, clientIp } from "./client.js";
import type { Deps } from "./deps.js";
import { countGuessWithoutCode, isSpent, issueEmailCode, mayIssueAnother } from "./email-codes.js";
import { isCode, isUserId, normalizeEmail } from "./input-rules.js";
import { assertNever, validEmail } from "./validate.js";
import { recordUserEvent } from "./webhook-events.js";

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
  const now = deps.clock();
  const user = await findUser(deps, input, now);
  // Per IP across accounts too: guessing one code against many accounts trips it. The
  // account is counted by id whether it was named by id or by email: one budget.
  await deps.limits.hit("verify", {
    ip: clientIp(client),
    account: user?.id ?? input.userId ?? input.email?.trim().toLowerCase(),
  });
  // An unknown account answers like a wrong code, tries counted alike, so neither the
  // status nor the body tells who exists.
  if (!user) {
    const subject = input.userId !== undefined ? `id:${input.userId}` : `email:${input.email}`;
    await countGuessWithoutCode(deps, "email", subject, now);
    throw new AuthError("INVALID_CODE");
  }
  if (user.emailVerifiedAt !== null) throw new AuthError("ALREADY_VERIFIED");

  const codeHash = hashCode(user.id, "email", input.code);
  // Counted and compared atomically on its own, outside any transaction, or a wrong
  // try's count would roll back with the error.
  const result = await deps.stores.codes.checkForUser(
    user.id,
    "email",
    codeHash,
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
        await countGuessWithoutCode(deps, "email", `user:${user.id}`, now);
        throw new AuthError("INVALID_CODE");
      case "expired":
        await countGuessWithoutCode(deps, "email", `user:${user.id}`, now);
        // Named by email, "expired" would tell a stranger the address signed up: an unknown
        // email answers INVALID_CODE, so this does too. Whoever holds the id was answered it.
        throw new AuthError(input.userId === undefined ? "INVALID_CODE" : "CODE_EXPIRED");
      case "mismatch":
        throw new AuthError("INVALID_CODE");
      case "exhausted":
        throw new AuthError("TOO_MANY_ATTEMPTS");
      default:
        return assertNever(result.reason);
    }
  }
  const verified = await deps.stores
    .transaction(async (stores) => {
      // Taken here, so a refused username leaves the code usable.
      const taken = await stores.codes.takeChecked(user.id, "email", codeHash, now);
      if (!taken) return null;
      const signUp = taken.signUp;
      const patch: UserPatch = {
        emailVerifiedAt: now,
        ...(user.status === "pending" ? { status: "active" as const } : {}),
        // The code activates its own sign-up's data (README, "Signing up again").
        ...(signUp
          ? {
              passwordHash: signUp.passwordHash,
              name: signUp.name,
              username: signUp.username,
              ...(signUp.locale !== null ? { locale: signUp.locale } : {}),
            }
          : {}),
      };
      const updated = await stores.users.update(user.id, patch, now);
      // The mailbox is proven: the other sign-ups' codes have nothing left to activate.
      await stores.codes.delete(user.id, "email");
      if (updated) await recordUserEvent(stores, "user.verified", updated, now);
      return updated;
    })
    .catch(rethrowUsernameTaken);
  if (!verified) throw new AuthError("INVALID_CODE");
  await deps.audit({ type: "email.verified", outcome: "success", userId: user.id, client });
  return verified;
}

function rethrowUsernameTaken(error: unknown): never {
  if (error instanceof UniqueViolation) {
    throw new AuthError("USERNAME_TAKEN", undefined, [
      { field: error.field, message: `This ${error.field} is taken.` },
    ]);
  }
  throw error;
}

async function findUser(
  deps: Deps,
  input: VerifyEmailInput,
  now: Date,
): Promise<UserRecord | null> {
  if (input.userId !== undefined) {
    if (!isUserId(input.userId)) return null;
    const user = await deps.stores.users.findById(input.userId);
    if (user) return user;
    // A repeated sign-up's caller holds its sign-up's id, not the account's.
    const signUp = await deps.stores.codes.findSignUp(input.userId, now);
    return signUp ? deps.stores.users.findById(signUp.userId) : null;
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
  if (last && (!mayIssueAnother(deps, last, now) || isSpent(deps, last, now))) return;
  // The newest sign-up's code is sent again, with that sign-up's data and its mail naming
  // when it was made: a resend never turns another sign-up's data into this one's.
  const signUp = last && last.expiresAt > now ? last.signUp : undefined;
  await deps.stores.transaction((stores) =>
    issueEmailCode(deps, stores, user, now, signUp, { resend: true }),
  );
}
