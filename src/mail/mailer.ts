import type { MailMessage } from "./message.js";
import { passwordChangedMail } from "./templates/password-changed.js";
import { passwordResetCodeMail } from "./templates/password-reset-code.js";
import { passwordResetLinkMail } from "./templates/password-reset-link.js";
import { verificationCodeMail } from "./templates/verification-code.js";

export interface Recipient {
  email: string;
  name: string | null;
}

/** The emails the domain sends. Delivery happens after the caller's transaction, in the background. */
export interface Mailer {
  verificationCode(to: Recipient, code: string, ttlSeconds: number): void;
  passwordResetLink(to: Recipient, link: string, ttlSeconds: number): void;
  passwordResetCode(to: Recipient, code: string, ttlSeconds: number): void;
  passwordChanged(to: Recipient, when: Date): void;
}

export interface MailSink {
  enqueue(message: MailMessage): void;
}

const PRODUCT_NAME = "Latchkey";

export function createMailer(sink: MailSink): Mailer {
  const minutes = (seconds: number) => Math.max(1, Math.round(seconds / 60));
  return {
    verificationCode(to, code, ttlSeconds) {
      const mail = verificationCodeMail({
        productName: PRODUCT_NAME,
        name: to.name,
        code,
        ttlMinutes: minutes(ttlSeconds),
      });
      sink.enqueue({ to: to.email, template: "verification-code", ...mail });
    },
    passwordResetLink(to, link, ttlSeconds) {
      const mail = passwordResetLinkMail({
        productName: PRODUCT_NAME,
        name: to.name,
        link,
        ttlMinutes: minutes(ttlSeconds),
      });
      sink.enqueue({ to: to.email, template: "password-reset-link", ...mail });
    },
    passwordResetCode(to, code, ttlSeconds) {
      const mail = passwordResetCodeMail({
        productName: PRODUCT_NAME,
        name: to.name,
        code,
        ttlMinutes: minutes(ttlSeconds),
      });
      sink.enqueue({ to: to.email, template: "password-reset-code", ...mail });
    },
    passwordChanged(to, when) {
      const mail = passwordChangedMail({ productName: PRODUCT_NAME, name: to.name, when });
      sink.enqueue({ to: to.email, template: "password-changed", ...mail });
    },
  };
}
