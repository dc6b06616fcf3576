import type { Locale } from "../../i18n/locales.js";
import type { RenderedMail } from "../message.js";
import { formatTtl, greeting, type MailBlock, mailLanguage, renderMail } from "./layout.js";

export interface VerificationCodeMailData {
  productName: string;
  name?: string | null;
  code: string;
  ttlMinutes: number;
  /** The verification page with the code filled in; absent when no page serves it. */
  link?: string | undefined;
  locale?: Locale | undefined;
}

// The code stays out of the subject: subjects are logged and shown on lock screens.
// The code comes before the link, so a reader on another device finds it first.
export function verificationCodeMail(data: VerificationCodeMailData): RenderedMail {
  const { productName: product, code, link } = data;
  const language = mailLanguage(data.locale);
  const { t } = language;
  const blocks: MailBlock[] = [
    { type: "paragraph", text: t("mail.verify.intro", { product }) },
    { type: "code", code },
    {
      type: "paragraph",
      text: t("mail.verify.validity", { ttl: formatTtl(data.ttlMinutes, language.locale) }),
    },
  ];
  if (link) blocks.push({ type: "link", href: link, label: t("mail.verify.button") });
  blocks.push({ type: "note", text: t("mail.verify.ignore", { product }) });
  return renderMail(
    product,
    t("mail.verify.subject", { product }),
    greeting(data.name, t),
    blocks,
    language,
  );
}
