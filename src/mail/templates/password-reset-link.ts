import type { Locale } from "../../i18n/locales.js";
import type { RenderedMail } from "../message.js";
import { formatTtl, greeting, mailLanguage, renderMail } from "./layout.js";

export interface PasswordResetLinkMailData {
  productName: string;
  name?: string | null;
  link: string;
  ttlMinutes: number;
  locale?: Locale | undefined;
}

// No code beside the link: one live reset secret per user, and this one is the link.
export function passwordResetLinkMail(data: PasswordResetLinkMailData): RenderedMail {
  const { productName: product, link } = data;
  const language = mailLanguage(data.locale);
  const { t } = language;
  return renderMail(
    product,
    t("mail.resetLink.subject", { product }),
    greeting(data.name, t),
    [
      { type: "paragraph", text: t("mail.resetLink.intro", { product }) },
      { type: "link", href: link, label: t("mail.resetLink.button") },
      {
        type: "paragraph",
        text: t("mail.resetLink.validity", { ttl: formatTtl(data.ttlMinutes, language.locale) }),
      },
      { type: "note", text: t("mail.reset.ignore") },
    ],
    language,
  );
}
