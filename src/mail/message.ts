/** A rendered email, ready for a transport. The transport adds `from`. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** for logs: which template */
  template: string;
}

/** What every template returns: both parts, so clients without HTML still get the full message. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}
