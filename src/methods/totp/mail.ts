import type { Deps } from "../../domain/deps.js";
import { formatDateTime } from "../../i18n/translate.js";
import { type Recipient, recipientLocale } from "../../mail/mailer.js";
import type { MailMessage } from "../../mail/message.js";
import { greeting, mailLanguage, renderMail } from "../../mail/templates/layout.js";
import type { UserRecord } from "../../storage/ports.js";

export type FactorEvent = "added" | "removed" | "locked" | "reset";

const KEYS = {
  added: { subject: "mail.mfa.added.subject", body: "mail.mfa.added.body" },
  removed: { subject: "mail.mfa.removed.subject", body: "mail.mfa.removed.body" },
  locked: { subject: "mail.mfa.locked.subject", body: "mail.mfa.locked.body" },
  reset: { subject: "mail.mfa.reset.subject", body: "mail.mfa.reset.body" },
} as const;

/**
 * Told to the owner of the mailbox whenever their second factors change or lock, so that
 * a change they did not make does not go unnoticed (ASVS 5.0 6.3.7).
 */
export function secondFactorMail(
  productName: string,
  to: Recipient,
  event: FactorEvent,
  when: Date,
): MailMessage {
  const language = mailLanguage(recipientLocale(to));
  const { t } = language;
  const at =
    language.locale === "en" ? when.toUTCString() : formatDateTime(language.locale, when, "long");
  const keys = KEYS[event];
  const mail = renderMail(
    productName,
    t(keys.subject, { product: productName }),
    greeting(to.name, t),
    [
      { type: "paragraph", text: t(keys.body, { product: productName, when: at }) },
      { type: "note", text: t("mail.mfa.notYou", { product: productName }) },
    ],
    language,
  );
  return { to: to.email, template: `second-factor-${event}`, ...mail };
}

/** Queues the mail after the change, like every mail: the outbox delivers it. */
export async function mailFactorEvent(
  deps: Deps,
  user: UserRecord,
  event: FactorEvent,
): Promise<void> {
  const now = deps.clock();
  await deps.stores.outbox.add(secondFactorMail(deps.config.brandName, user, event, now), now);
}
