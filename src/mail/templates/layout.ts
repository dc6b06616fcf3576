import { DEFAULT_LOCALE, type Locale } from "../../i18n/locales.js";
import { formatDuration, type Translate, translator } from "../../i18n/translate.js";
import type { RenderedMail } from "../message.js";
import { escapeHtml } from "./escape.js";

/**
 * The pieces a template is made of. Both the text and the HTML part are rendered from
 * the same blocks, so the two cannot drift apart, and the HTML renderer escapes every
 * value itself, so a template cannot forget to.
 */
export type MailBlock =
  | { type: "paragraph"; text: string }
  | { type: "code"; code: string }
  | { type: "link"; href: string; label: string }
  | { type: "note"; text: string };

// A sign-up mail goes to an address the sender may not own, greeting them with a name the
// sender chose: the name must not be able to carry a message of its own. Only what names
// are made of gets through (letters, marks, digits, spaces and the ' - . of "Anne-Marie
// O'Brien Jr."), a few words at most; a name that reads like a link, an address or a code
// is not shown at all, the mail greets without a name instead.
const MAX_NAME_LENGTH = 40;
const MAX_NAME_WORDS = 4;
const NOT_NAME_CHARS = /[^\p{L}\p{M}\p{N}'’.\- ]/gu;
/** "evil.com", "x.co", "www.example": a host name a mail client would make clickable. */
const HOST_LIKE = /[\p{L}\p{N}]\.[\p{L}\p{N}]{2}/u;
/** A run of digits: a phone number, or a fake code next to the real one. */
const NUMBER_LIKE = /\p{N}{3}/u;

export function displayName(name: string | null | undefined): string | null {
  if (!name) return null;
  const clean = name.normalize("NFKC").replace(NOT_NAME_CHARS, " ").replace(/\s+/g, " ").trim();
  if (clean === "" || !/[\p{L}\p{N}]/u.test(clean)) return null;
  if (HOST_LIKE.test(clean) || NUMBER_LIKE.test(clean)) return null;
  const words = clean.split(" ");
  let shown = words.slice(0, MAX_NAME_WORDS).join(" ");
  const chars = Array.from(shown);
  if (chars.length > MAX_NAME_LENGTH) shown = chars.slice(0, MAX_NAME_LENGTH).join("").trimEnd();
  return shown === clean ? shown : `${shown}…`;
}

export function greeting(
  name: string | null | undefined,
  t: Translate = translator(DEFAULT_LOCALE),
): string {
  const shown = displayName(name);
  return shown ? t("mail.greeting.named", { name: shown }) : t("mail.greeting.anonymous");
}

/** "10 minutes", "1 minute", "24 hours": the reader should not have to do arithmetic. */
export function formatTtl(ttlMinutes: number, locale: Locale = DEFAULT_LOCALE): string {
  return formatDuration(locale, ttlMinutes);
}

export interface MailLanguage {
  locale: Locale;
  t: Translate;
}

/** The language of a mail: the recipient's, or English. */
export function mailLanguage(locale: Locale | undefined): MailLanguage {
  const chosen = locale ?? DEFAULT_LOCALE;
  return { locale: chosen, t: translator(chosen) };
}

export function renderMail(
  productName: string,
  subject: string,
  greetingLine: string,
  blocks: readonly MailBlock[],
  language: MailLanguage = mailLanguage(undefined),
): RenderedMail {
  return {
    subject,
    text: renderText(productName, greetingLine, blocks),
    html: renderHtml(productName, subject, greetingLine, blocks, language),
  };
}

function renderText(productName: string, greetingLine: string, blocks: readonly MailBlock[]) {
  const parts = [greetingLine];
  for (const block of blocks) {
    switch (block.type) {
      case "paragraph":
      case "note":
        parts.push(block.text);
        break;
      case "code":
        parts.push(`    ${block.code}`);
        break;
      case "link":
        // On a line of its own so mail clients make it clickable and nothing sticks to it.
        parts.push(`${block.label}:\n${block.href}`);
        break;
    }
  }
  parts.push(`— ${productName}`);
  return `${parts.join("\n\n")}\n`;
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const P = "margin:0 0 16px;font-size:15px;line-height:1.5;color:#1f2328";

function renderBlockHtml(block: MailBlock, t: Translate): string {
  switch (block.type) {
    case "paragraph":
      return `<p style="${P}">${escapeHtml(block.text)}</p>`;
    case "note":
      return `<p style="margin:0 0 16px;font-size:13px;line-height:1.5;color:#656d76">${escapeHtml(block.text)}</p>`;
    case "code":
      return `<p style="margin:24px 0;font-family:Menlo,Consolas,'Courier New',monospace;font-size:32px;font-weight:700;letter-spacing:8px;color:#1f2328">${escapeHtml(block.code)}</p>`;
    case "link": {
      const href = escapeHtml(block.href);
      return [
        `<p style="margin:24px 0"><a href="${href}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:#1f6feb;color:#ffffff;font-weight:600;text-decoration:none">${escapeHtml(block.label)}</a></p>`,
        `<p style="margin:0 0 16px;font-size:13px;line-height:1.5;color:#656d76">${escapeHtml(t("mail.linkFallback"))}<br><a href="${href}" style="color:#1f6feb;word-break:break-all">${href}</a></p>`,
      ].join("\n");
    }
  }
}

function renderHtml(
  productName: string,
  subject: string,
  greetingLine: string,
  blocks: readonly MailBlock[],
  language: MailLanguage,
): string {
  const body = [
    `<p style="${P}">${escapeHtml(greetingLine)}</p>`,
    ...blocks.map((block) => renderBlockHtml(block, language.t)),
    `<p style="margin:24px 0 0;font-size:13px;color:#656d76">— ${escapeHtml(productName)}</p>`,
  ].join("\n");
  return `<!doctype html>
<html lang="${language.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:24px;background:#f6f8fa;${FONT}">
<div style="max-width:480px;margin:0 auto;padding:32px;background:#ffffff;border:1px solid #d0d7de;border-radius:8px">
${body}
</div>
</body>
</html>
`;
}
