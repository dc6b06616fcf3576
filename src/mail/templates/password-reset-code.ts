import type { RenderedMail } from "../message.js";
import { formatTtl, greeting, renderMail } from "./layout.js";

export interface PasswordResetCodeMailData {
  productName: string;
  name?: string | null;
  code: string;
  ttlMinutes: number;
}

// The code stays out of the subject: subjects are logged and shown on lock screens.
export function passwordResetCodeMail(data: PasswordResetCodeMailData): RenderedMail {
  const { productName, code } = data;
  return renderMail(productName, `Your ${productName} password reset code`, greeting(data.name), [
    {
      type: "paragraph",
      text: `Someone asked to reset the password of your ${productName} account. Enter this code to choose a new password:`,
    },
    { type: "code", code },
    { type: "paragraph", text: `The code is valid for ${formatTtl(data.ttlMinutes)}.` },
    {
      type: "note",
      text: "If you did not ask for this, ignore this email: your password stays unchanged.",
    },
  ]);
}
