import type { RenderedMail } from "../message.js";
import { formatTtl, greeting, renderMail } from "./layout.js";

export interface PasswordResetLinkMailData {
  productName: string;
  name?: string | null;
  link: string;
  ttlMinutes: number;
}

export function passwordResetLinkMail(data: PasswordResetLinkMailData): RenderedMail {
  const { productName, link } = data;
  return renderMail(productName, `Reset your ${productName} password`, greeting(data.name), [
    {
      type: "paragraph",
      text: `Someone asked to reset the password of your ${productName} account. Choose a new password here:`,
    },
    { type: "link", href: link, label: "Reset password" },
    {
      type: "paragraph",
      text: `The link is valid for ${formatTtl(data.ttlMinutes)} and works once.`,
    },
    {
      type: "note",
      text: "If you did not ask for this, ignore this email: your password stays unchanged.",
    },
  ]);
}
