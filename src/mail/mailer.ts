import { DEFAULT_LOCALE, type Locale, parseLocaleTag } from "../i18n/locales.js";
import type { MailMessage } from "./message.js";
import { passwordChangedMail } from "./templates/password-changed.js";
import { passwordResetCodeMail } from "./templates/password-reset-code.js";
import { passwordResetLinkMail } from "./templates/password-reset-link.js";
import { verificationCodeMail } from "./templates/verification-code.js";

export interface Recipient {
  email: string;
  name: string | null;
  /** The language tag stored with the user; mail is written in it when we have it. */
  locale?: string | null;
}

/**
 * The emails the domain sends, rendered in the recipient's language. The domain queues
 * them in the outbox inside the transaction that makes them true; a worker delivers.
 */
export interface Mailer {
  /**
   * `link`: a page where the code can be entered, prefilled; omitted when none serves it.
   * `signedUpAgainAt`: the code is for a repeated sign-up of a pending address, made then.
   */
  verificationCode(
    to: Recipient,
    code: string,
    ttlSeconds: number,
    link?: string,
    options?: { signedUpAgainAt?: Date | undefined },
  ): MailMessage;
  passwordResetLink(to: Recipient, link: string, ttlSeconds: number): MailMessage;
  passwordResetCode(to: Recipient, code: string, ttlSeconds: number, link?: string): MailMessage;
  passwordChanged(to: Recipient, when: Date): MailMessage;
}

export interface MailerOptions {
  /** The product named in every mail (BRAND_NAME). */
  productName?: string;
}

const PRODUCT_NAME = "Latchkey";

/** The recipient's language; tags stored by an import ("de-AT") count by their language. */
export function recipientLocale(to: Recipient): Locale {
  return (to.locale ? parseLocaleTag(to.locale) : null) ?? DEFAULT_LOCALE;
}

export function createMailer(options: MailerOptions = {}): Mailer {
  const productName = options.productName ?? PRODUCT_NAME;
  const minutes = (seconds: number) => Math.max(1, Math.round(seconds / 60));
  return {
    verificationCode(to, code, ttlSeconds, link, options) {
      const mail = verificationCodeMail({
        productName,
        name: to.name,
        code,
        ttlMinutes: minutes(ttlSeconds),
        link,
        locale: recipientLocale(to),
        signedUpAgainAt: options?.signedUpAgainAt,
      });
      return { to: to.email, template: "verification-code", ...mail };
    },
    passwordResetLink(to, link, ttlSeconds) {
      const mail = passwordResetLinkMail({
        productName,
        name: to.name,
        link,
        ttlMinutes: minutes(ttlSeconds),
        locale: recipientLocale(to),
      });
      return { to: to.email, template: "password-reset-link", ...mail };
    },
    passwordResetCode(to, code, ttlSeconds, link) {
      const mail = passwordResetCodeMail({
        productName,
        name: to.name,
        code,
        ttlMinutes: minutes(ttlSeconds),
        link,
        locale: recipientLocale(to),
      });
      return { to: to.email, template: "password-reset-code", ...mail };
    },
    passwordChanged(to, when) {
      const mail = passwordChangedMail({
        productName,
        name: to.name,
        when,
        locale: recipientLocale(to),
      });
      return { to: to.email, template: "password-changed", ...mail };
    },
  };
}
