import { hashCode, sha256 } from "../crypto/digest.js";
import { randomCode } from "../crypto/random.js";
import { AuthError } from "../errors.js";
import type { MailMessage } from "../mail/message.js";
import type { NewSecret, SignUpData, StoredSecret, Stores, UserRecord } from "../storage/ports.js";
import type { CodePurpose } from "../storage/schema.js";
import type { Deps } from "./deps.js";

/**
 * Stores a fresh email-verification code for the user, beside any other (each pending
 * sign-up's code works until it expires), and queues its mail, with a link to the page
 * that fills it in. A code of a repeated sign-up carries the data it activates, and its
 * mail says the address was signed up again. Pass a transaction's stores: the code and
 * its mail commit together or not at all.
 */
export async function issueEmailCode(
  deps: Deps,
  stores: Stores,
  user: UserRecord,
  now: Date,
  signUp?: SignUpData,
  options: { resend?: boolean } = {},
): Promise<void> {
  const { secret, mail } = emailCode(deps, user, now, signUp, options);
  await stores.codes.put(secret);
  await queueMail(stores, mail, now);
}

/** What issueEmailCode writes: the code's stored secret, and the mail that carries the code. */
export function emailCode(
  deps: Deps,
  user: UserRecord,
  now: Date,
  signUp?: SignUpData,
  options: { resend?: boolean } = {},
): { secret: NewSecret; mail: MailMessage } {
  const code = randomCode();
  const secret: NewSecret = {
    userId: user.id,
    purpose: "email",
    kind: "code",
    secretHash: hashCode(user.id, "email", code),
    expiresAt: new Date(now.getTime() + deps.config.emailCodeTtl * 1000),
    now,
    // A resend carries every live code's tries: asking again never buys guesses. A sign-up
    // (always mails a new code) starts afresh once past RESEND_COOLDOWN.
    ...(options.resend ? { resend: true } : { carryAttemptsSince: cooldownStart(deps, now) }),
    ...(signUp ? { signUp } : {}),
  };
  const link = pageLink(deps, "/verify-email", { code, email: user.email });
  const recipient = signUp
    ? { ...user, name: signUp.name ?? user.name, locale: signUp.locale ?? user.locale }
    : user;
  const mail = deps.mailer.verificationCode(recipient, code, deps.config.emailCodeTtl, link, {
    signedUpAgainAt: signUp?.signedUpAt,
  });
  return { secret, mail };
}

/** Secrets created after this carry their wrong tries over to a new one (see NewSecret). */
export function cooldownStart(deps: Deps, now: Date): Date {
  return new Date(now.getTime() - deps.config.resendCooldown * 1000);
}

/** Puts a rendered mail in the outbox of `stores` (a transaction's, where there is one). */
export async function queueMail(stores: Stores, message: MailMessage, now: Date): Promise<void> {
  await stores.outbox.add(message, now);
}

/**
 * Whether a new secret may follow `last`: not inside RESEND_COOLDOWN of it. After that a
 * new one starts with fresh tries, even when `last` was burned by wrong guesses: a burned
 * code never blocks its owner (README, "Signing up again").
 */
export function mayIssueAnother(deps: Deps, last: StoredSecret, now: Date): boolean {
  return now.getTime() - last.createdAt.getTime() >= deps.config.resendCooldown * 1000;
}

/** Live, with every wrong try spent: a resent code would inherit the spent count. */
export function isSpent(deps: Deps, secret: StoredSecret, now: Date): boolean {
  return secret.attempts >= deps.config.codeMaxAttempts && secret.expiresAt > now;
}

/**
 * A link to a page under APP_URL, or undefined when nothing would answer it: the hosted
 * pages are off and APP_URL is still Latchkey's own address. An app with its own pages
 * sets APP_URL and serves the same paths.
 */
export function pageLink(
  deps: Deps,
  path: string,
  query: Readonly<Record<string, string>>,
): string | undefined {
  const { appUrl, publicUrl, pagesEnabled } = deps.config;
  if (!pagesEnabled && appUrl === publicUrl) return undefined;
  return `${appUrl}${path}?${new URLSearchParams(query).toString()}`;
}

/**
 * A guess at a subject with no live code (an unknown email or id, or an account with no
 * code out): counted like one at a code, so after CODE_MAX_ATTEMPTS it answers 429 as a
 * known email's burned code does, and the answers cannot tell who exists.
 */
export async function countGuessWithoutCode(
  deps: Deps,
  purpose: CodePurpose,
  subject: string,
  now: Date,
): Promise<void> {
  const result = await deps.stores.codes.countSubjectGuess(
    sha256(`${purpose === "email" ? "email-code" : "reset-code"}:${subject.trim().toLowerCase()}`),
    purpose,
    now,
    deps.config.codeMaxAttempts,
    deps.config.emailCodeTtl,
  );
  if (!result.ok && result.reason === "exhausted") throw new AuthError("TOO_MANY_ATTEMPTS");
}
