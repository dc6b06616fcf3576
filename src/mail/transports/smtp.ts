import { lazily } from "../../process/lazy.js";
import type { MailTransport } from "../transport.js";

// nodemailer waits up to 2 minutes to connect and 10 minutes on an idle socket by default.
// A mail server that is down should fail a delivery in seconds, not hold it (and a clean
// shutdown that flushes the queue) for minutes.
const CONNECT_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 15_000;

/**
 * SMTP delivery from a `smtp://user:pass@host:port` or `smtps://…` URL. One connection
 * per message (no pool): auth mail is rare next to the cost of hashing a password, and a
 * pooled connection would only sit idle between sign-ups. nodemailer is imported with the
 * first message, not at start: a server that sends no mail does without its heap
 * (BENCHMARKS.md, "Memory (RSS)").
 */
export function createSmtpTransport(smtpUrl: string): MailTransport {
  const connect = lazily(async () => {
    const { createTransport } = await import("nodemailer");
    return createTransport({
      url: smtpUrl,
      pool: false,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: GREETING_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      dnsTimeout: CONNECT_TIMEOUT_MS,
    });
  });
  let used = false;
  return {
    async send(message) {
      used = true;
      await (await connect()).sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
    },
    async close() {
      if (used) (await connect()).close();
    },
  };
}
