import type { RenderedMail } from "../message.js";
import { formatTtl, greeting, renderMail } from "./layout.js";

export interface VerificationCodeMailData {
  productName: string;
  name?: string | null;
  code: string;
  ttlMinutes: number;
}

// The code stays out of the subject: subjects are logged and shown on lock screens.
export function verificationCodeMail(data: VerificationCodeMailData): RenderedMail {
  const { productName, code } = data;
  return renderMail(productName, `Your ${productName} verification code`, greeting(data.name), [
    { type: "paragraph", text: `Use this code to confirm your email address for ${productName}:` },
    { type: "code", code },
    { type: "paragraph", text: `The code is valid for ${formatTtl(data.ttlMinutes)}.` },
    {
      type: "note",
      text: `If you did not sign up for ${productName}, ignore this email: no account is activated without the code.`,
    },
  ]);
}
