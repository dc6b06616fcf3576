import type { Locale } from "../../i18n/locales.js";
import type { RenderedMail } from "../message.js";
import { formatTtl, greeting, type MailBlock, mailLanguage, renderMail } from "./layout.js";

export interface PasswordResetCodeMailData {
  productName: string;
  name?: string | null;
  code: string;
  ttlMinutes: number;
  /** The reset-by-code page with the code filled in; absent when no page serves it. */
  link?: string | undefined;
  locale?: Locale | undefined;
}

// The code stays out of the subject: subjects are logged and shown on lock screens.
export function passwordResetCodeMail(data: PasswordResetCodeMailData): RenderedMail {
  const { productName: product, code, link } = data;
  const language = mailLanguage(data.locale);
  const { t } = language;
  const blocks: MailBlock[] = [
    { type: "paragraph", text: t("mail.resetCode.intro", { product }) },
    { type: "code", code },
    {
      type: "paragraph",
      text: t("mail.resetCode.validity", { ttl: formatTtl(data.ttlMinutes, language.locale) }),
    },
  ];
  if (link) blocks.push({ type: "link", href: link, label: t("mail.resetCode.button") });
  blocks.push({ type: "note", text: t("mail.reset.ignore") });
  return renderMail(
    product,
    t("mail.resetCode.subject", { product }),
    greeting(data.name, t),
    blocks,
    language,
  );
}
