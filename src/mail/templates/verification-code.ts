import type { Locale } from "../../i18n/locales.js";
import { formatDateTime } from "../../i18n/translate.js";
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
  /** Set when the address signed up again while pending: the mail says so, and when. */
  signedUpAgainAt?: Date | undefined;
}

// The code stays out of the subject: subjects are logged and shown on lock screens.
// The code comes before the link, so a reader on another device finds it first.
export function verificationCodeMail(data: VerificationCodeMailData): RenderedMail {
  const { productName: product, code, link } = data;
  const language = mailLanguage(data.locale);
  const { t } = language;
  const blocks: MailBlock[] = [];
  if (data.signedUpAgainAt) {
    // The account pre-takeover class: a stranger may sign the address up again with a
    // password of their own; the reader must know which sign-up this code confirms.
    const when =
      language.locale === "en"
        ? data.signedUpAgainAt.toUTCString()
        : formatDateTime(language.locale, data.signedUpAgainAt, "long");
    blocks.push({ type: "paragraph", text: t("mail.verify.again", { product, when }) });
  }
  blocks.push(
    { type: "paragraph", text: t("mail.verify.intro", { product }) },
    { type: "code", code },
    {
      type: "paragraph",
      text: t("mail.verify.validity", { ttl: formatTtl(data.ttlMinutes, language.locale) }),
    },
  );
  if (link) blocks.push({ type: "link", href: link, label: t("mail.verify.button") });
  const ignore = data.signedUpAgainAt ? "mail.verify.againIgnore" : "mail.verify.ignore";
  blocks.push({ type: "note", text: t(ignore, { product }) });
  return renderMail(
    product,
    t("mail.verify.subject", { product }),
    greeting(data.name, t),
    blocks,
    language,
  );
}
