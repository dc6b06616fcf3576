import { hashCode, sha256 } from "../../crypto/digest.js";
import { type ClientContext, clientIp } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { countGuessWithoutCode, queueMail } from "../../domain/email-codes.js";
import { isCode, normalizeEmail } from "../../domain/input-rules.js";
import { issuePasswordReset, type ResetMethod } from "../../domain/password-reset.js";
import { MAILBOX } from "../../domain/sign-in/assurance.js";
import { completeSignIn, type SignInResult } from "../../domain/sign-in/sign-in-step.js";
import { acceptablePassword, validEmail, validNewPassword } from "../../domain/validate.js";
import { recordUserEvent, sessionRevoked } from "../../domain/webhook-events.js";
import { AuthError } from "../../errors.js";
import type { UserRecord } from "../../storage/ports.js";

/**
 * Accepts a forgot-password request. Only the email's syntax is checked here; the
 * lookup, the new secret and the mail happen after the reply, so neither the answer
 * nor its timing tells whether the email has an account (OWASP Forgot Password
 * Cheat Sheet: "return a consistent message for both existent and non-existent accounts").
 */
export async function requestPasswordReset(
  deps: Deps,
  rawEmail: string,
  method: ResetMethod,
  client: ClientContext,
): Promise<void> {
  const email = validEmail(rawEmail);
  await deps.limits.hit("forgot", { ip: clientIp(client), account: email });
  deps.defer("password-reset-request", async () => {
    await issuePasswordReset(deps, email, method);
  });
}

/**
 * Whether a reset link's token is live. Only looks: the reset page asks this on GET, and
 * mail scanners that open links must not use up or change the token.
 */
export async function isResetLinkLive(deps: Deps, token: string): Promise<boolean> {
  if (token === "") return false;
  return (await deps.stores.codes.findLiveByHash("reset", sha256(token), deps.clock())) !== null;
}

export interface ResetPasswordInput {
  token?: string | undefined;
  email?: string | undefined;
  code?: string | undefined;
  password: string;
  confirmPassword?: string | undefined;
}

/**
 * Sets a new password with a reset link's token or a mailed code. Input is checked
 * before the secret is touched, so a mismatch or a weak password leaves it usable.
 * Success revokes every earlier session, counts the email as verified and signs in.
 */
export async function resetPassword(
  deps: Deps,
  input: ResetPasswordInput,
  client: ClientContext,
): Promise<SignInResult> {
  const length = validNewPassword(input.password, deps.config.passwordMinLength);
  if (input.confirmPassword !== undefined && input.confirmPassword.normalize("NFKC") !== length) {
    throw new AuthError("PASSWORD_MISMATCH", undefined, [
      { field: "confirmPassword", message: "Must match the new password." },
    ]);
  }
  const secret = presentedSecret(input);
  await deps.limits.hit("reset", {
    ip: clientIp(client),
    account: secret.kind === "link" ? sha256(secret.token) : secret.email.trim().toLowerCase(),
  });
  const now = deps.clock();
  // Look, don't touch: the owner is needed to judge the password (context words), and a
  // refused password must leave the link or code usable.
  const owner = await findResetOwner(deps, secret, now);
  if (!owner) {
    // An unknown email's guesses count like a known one's, so both reach 429 alike.
    if (secret.kind === "code")
      await countGuessWithoutCode(deps, "reset", `email:${secret.email}`, now);
    throw new AuthError("INVALID_TOKEN");
  }
  // A code is checked (a wrong one counts a try) before anything about the account is
  // told: otherwise a blocked status or a policy refusal would say the email exists.
  if (secret.kind === "code") await checkResetCode(deps, owner, secret.code, now);
  // A token issued before a block must not reopen the account.
  if (owner.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  const password = await acceptablePassword(deps, input.password, owner);
  // Never hash inside a transaction: the hash is done before any row is locked.
  const passwordHash = await deps.hasher.hash(password);

  // Consuming is atomic on its own and stays outside the transaction below: a wrong
  // code's counted try would otherwise roll back with the error.
  if (!(await consumeResetSecret(deps, owner, secret, now))) {
    throw new AuthError("INVALID_TOKEN");
  }

  const user = await deps.stores.transaction(async (stores) => {
    const updated = await stores.users.update(
      owner.id,
      {
        passwordHash,
        emailVerifiedAt: owner.emailVerifiedAt ?? now,
        ...(owner.status === "pending" ? { status: "active" as const } : {}),
      },
      now,
    );
    await stores.sessions.revokeAllForUser(owner.id, now, { event: sessionRevoked(now) });
    if (owner.emailVerifiedAt === null) await stores.codes.delete(owner.id, "email");
    const changed = updated ?? owner;
    await queueMail(stores, deps.mailer.passwordChanged(changed, now), now);
    await recordUserEvent(stores, "password.reset", changed, now);
    return changed;
  });

  await deps.audit({
    type: "password.reset",
    outcome: "success",
    userId: user.id,
    client,
    details: { method: secret.kind },
  });
  return completeSignIn(deps, { user, proofs: [MAILBOX], client });
}

type PresentedSecret =
  | { kind: "link"; token: string }
  | { kind: "code"; email: string; code: string };

function presentedSecret(input: ResetPasswordInput): PresentedSecret {
  if (input.token !== undefined && input.token !== "") return { kind: "link", token: input.token };
  if (input.email !== undefined && input.code !== undefined) {
    if (!isCode(input.code)) throw new AuthError("INVALID_TOKEN");
    return { kind: "code", email: input.email, code: input.code };
  }
  throw new AuthError(
    "VALIDATION_FAILED",
    "Give the token from the link, or the email and the code.",
    [{ field: "token", message: "token, or email and code, is required." }],
  );
}

async function findResetOwner(
  deps: Deps,
  secret: PresentedSecret,
  now: Date,
): Promise<UserRecord | null> {
  if (secret.kind === "link") {
    const live = await deps.stores.codes.findLiveByHash("reset", sha256(secret.token), now);
    return live ? deps.stores.users.findById(live.userId) : null;
  }
  const email = normalizeEmail(secret.email);
  return email.ok ? deps.stores.users.findByEmail(email.value) : null;
}

async function checkResetCode(deps: Deps, owner: UserRecord, code: string, now: Date) {
  const result = await deps.stores.codes.checkForUser(
    owner.id,
    "reset",
    hashCode(owner.id, "reset", code),
    now,
    deps.config.codeMaxAttempts,
  );
  if (result.ok) return;
  if (result.reason === "exhausted") throw new AuthError("TOO_MANY_ATTEMPTS");
  // No live code to count on: counted all the same, as for an unknown email.
  if (result.reason !== "mismatch")
    await countGuessWithoutCode(deps, "reset", `user:${owner.id}`, now);
  throw new AuthError("INVALID_TOKEN");
}

/** True when this call consumed the owner's live secret; of concurrent calls, one wins. */
async function consumeResetSecret(
  deps: Deps,
  owner: UserRecord,
  secret: PresentedSecret,
  now: Date,
): Promise<boolean> {
  if (secret.kind === "link") {
    const consumed = await deps.stores.codes.consumeByHash("reset", sha256(secret.token), now);
    return consumed?.userId === owner.id;
  }
  // checkResetCode counted this guess and matched it: taking it counts nothing more.
  const taken = await deps.stores.codes.takeChecked(
    owner.id,
    "reset",
    hashCode(owner.id, "reset", secret.code),
    now,
  );
  return taken !== null;
}
