import type { Deps } from "../../domain/deps.js";
import { formatDateTime } from "../../i18n/translate.js";
import { type Recipient, recipientLocale } from "../../mail/mailer.js";
import type { MailMessage } from "../../mail/message.js";
import { greeting, mailLanguage, renderMail } from "../../mail/templates/layout.js";
import type { UserRecord } from "../../storage/ports.js";

export type PasskeyEvent = "added" | "removed";

const KEYS = {
  added: { subject: "mail.passkey.added.subject", body: "mail.passkey.added.body" },
  removed: { subject: "mail.passkey.removed.subject", body: "mail.passkey.removed.body" },
} as const;

/**
 * Told to the owner of the mailbox whenever a passkey is added or removed, so that one they
 * did not add (a way in for someone else) does not go unnoticed (ASVS 5.0 6.3.7).
 */
export function passkeyMail(
  productName: string,
  to: Recipient,
  event: PasskeyEvent,
  passkeyName: string | null,
  when: Date,
): MailMessage {
  const language = mailLanguage(recipientLocale(to));
  const { t } = language;
  const at =
    language.locale === "en" ? when.toUTCString() : formatDateTime(language.locale, when, "long");
  const name = passkeyName ?? t("mail.passkey.unnamed");
  const keys = KEYS[event];
  const mail = renderMail(
    productName,
    t(keys.subject, { product: productName }),
    greeting(to.name, t),
    [
      { type: "paragraph", text: t(keys.body, { product: productName, when: at, name }) },
      { type: "note", text: t("mail.passkey.notYou", { product: productName }) },
    ],
    language,
  );
  return { to: to.email, template: `passkey-${event}`, ...mail };
}

/** Queues the mail after the change, like every mail: the outbox delivers it. */
export async function mailPasskeyEvent(
  deps: Deps,
  user: UserRecord,
  event: PasskeyEvent,
  passkeyName: string | null,
): Promise<void> {
  const now = deps.clock();
  await deps.stores.outbox.add(
    passkeyMail(deps.config.brandName, user, event, passkeyName, now),
    now,
  );
}
