import type { RenderedMail } from "../message.js";
import { greeting, renderMail } from "./layout.js";

export interface PasswordChangedMailData {
  productName: string;
  name?: string | null;
  when: Date;
}

/**
 * Sent after every reset or change, so an account takeover does not go unnoticed by the
 * owner of the mailbox.
 */
export function passwordChangedMail(data: PasswordChangedMailData): RenderedMail {
  const { productName } = data;
  // UTC, spelled out: the server does not know the reader's time zone, and "GMT" is unambiguous.
  const when = data.when.toUTCString();
  return renderMail(productName, `Your ${productName} password was changed`, greeting(data.name), [
    {
      type: "paragraph",
      text: `The password of your ${productName} account was changed on ${when}. Other signed-in sessions were signed out.`,
    },
    { type: "paragraph", text: "If this was you, there is nothing else to do." },
    {
      type: "note",
      text: `If this was not you, reset your password right away with "Forgot password" on the ${productName} sign-in page, and tell your administrator: someone else may have had access to your account or your email.`,
    },
  ]);
}
