import { hashCode } from "../crypto/digest.js";
import { randomCode } from "../crypto/random.js";
import type { MailMessage } from "../mail/message.js";
import type { StoredSecret, Stores, UserRecord } from "../storage/ports.js";
import type { Deps } from "./deps.js";

/**
 * Stores a fresh email-verification code for the user (replacing any other) and queues
 * its mail, with a link to the page that fills it in. Pass a transaction's stores: the
 * code and its mail commit together or not at all.
 */
export async function issueEmailCode(
  deps: Deps,
  stores: Stores,
  user: UserRecord,
  now: Date,
): Promise<void> {
  const code = randomCode();
  await stores.codes.put({
    userId: user.id,
    purpose: "email",
    kind: "code",
    secretHash: hashCode(user.id, "email", code),
    expiresAt: new Date(now.getTime() + deps.config.emailCodeTtl * 1000),
    now,
  });
  const link = pageLink(deps, "/verify-email", { code, email: user.email });
  await queueMail(
    stores,
    deps.mailer.verificationCode(user, code, deps.config.emailCodeTtl, link),
    now,
  );
}

/** Puts a rendered mail in the outbox of `stores` (a transaction's, where there is one). */
export async function queueMail(stores: Stores, message: MailMessage, now: Date): Promise<void> {
  await stores.outbox.add(message, now);
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
