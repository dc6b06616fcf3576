import type { Locale } from "../../i18n/locales.js";
import { formatDateTime } from "../../i18n/translate.js";
import type { RenderedMail } from "../message.js";
import { greeting, mailLanguage, renderMail } from "./layout.js";

export interface PasswordChangedMailData {
  productName: string;
  name?: string | null;
  when: Date;
  locale?: Locale | undefined;
}

/**
 * Sent after every reset or change, so an account takeover does not go unnoticed by the
 * owner of the mailbox.
 */
export function passwordChangedMail(data: PasswordChangedMailData): RenderedMail {
  const { productName: product } = data;
  const language = mailLanguage(data.locale);
  const { t } = language;
  // UTC, spelled out: the server does not know the reader's time zone. English has no one
  // date order (US and UK differ), so it keeps the unambiguous "Wed, 04 Mar 2026 … GMT".
  const when =
    language.locale === "en"
      ? data.when.toUTCString()
      : formatDateTime(language.locale, data.when, "long");
  return renderMail(
    product,
    t("mail.changed.subject", { product }),
    greeting(data.name, t),
    [
      { type: "paragraph", text: t("mail.changed.body", { product, when }) },
      { type: "paragraph", text: t("mail.changed.ok") },
      { type: "note", text: t("mail.changed.notYou", { product }) },
    ],
    language,
  );
}
