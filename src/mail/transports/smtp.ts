import { lazily } from "../../process/lazy.js";
import type { MailTransport } from "../transport.js";

// nodemailer waits up to 2 minutes to connect and 10 minutes on an idle socket by default.
// A mail server that is down should fail a delivery in seconds, not hold it (and a clean
// shutdown that flushes the queue) for minutes.
const CONNECT_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 15_000;

export interface SmtpOptions {
  /**
   * Keep a connection open this long after its last message and send the next ones over
   * it; unset, one connection per message. A new connection (TCP, greeting, EHLO, QUIT)
   * makes a mail cost this process ~1.6x the CPU it costs on an open one (1.2–2.5 against
   * 0.7–1.4 ms, bench/mail-send-cost.ts), and every sign-up mails a code. Keep it
   * under the socket timeout below, so the pool, not a timeout, closes an idle one.
   */
  keepAliveMs?: number;
  /** Connections open at once when kept alive; more messages wait for one. */
  maxConnections?: number;
}

/**
 * SMTP delivery from a `smtp://user:pass@host:port` or `smtps://…` URL. nodemailer is
 * imported with the first message, not at start: a server that sends no mail does without
 * its heap (BENCHMARKS.md, "Memory (RSS)").
 */
export function createSmtpTransport(smtpUrl: string, options: SmtpOptions = {}): MailTransport {
  const connect = lazily(async () => {
    const { createTransport } = await import("nodemailer");
    const pool =
      options.keepAliveMs === undefined
        ? { pool: false as const }
        : {
            pool: true as const,
            idleTimeout: options.keepAliveMs,
            maxConnections: options.maxConnections ?? 2,
          };
    return createTransport({
      url: smtpUrl,
      ...pool,
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
