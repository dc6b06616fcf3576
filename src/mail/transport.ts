import type { MailMessage } from "./message.js";

/** How a message leaves the process: SMTP in production, a folder of .eml files in development. */
export interface MailTransport {
  send(message: MailMessage & { from: string }): Promise<void>;
  close(): Promise<void>;
}

/**
 * The slice of a logger the mail module needs. Structural on purpose: a pino Logger
 * fits, and tests can pass a plain recorder.
 */
export interface MailLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
