import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CapturedMail {
  /** Envelope recipients (RCPT TO), the addresses the mail was actually delivered to. */
  to: string[];
  /** Envelope sender (MAIL FROM), a bare address. */
  from: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:PORT */
  url: string;
  port: number;
  mails: CapturedMail[];
  /** SMTP connections accepted so far (clear() does not reset it). */
  connections(): number;
  waitForMail(predicate: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  clear(): void;
  close(): Promise<void>;
}

interface Waiter {
  predicate: (m: CapturedMail) => boolean;
  resolve: (m: CapturedMail) => void;
  reject: (error: Error) => void;
}

const DEFAULT_WAIT_MS = 5_000;

/**
 * A real SMTP server in the test process: the app's SMTP transport talks to it over TCP,
 * so tests cover the actual exchange and MIME encoding rather than a mock.
 */
export async function startSmtpCapture(options: { port?: number } = {}): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const waiters = new Set<Waiter>();

  const record = (mail: CapturedMail) => {
    mails.push(mail);
    for (const waiter of waiters) {
      if (waiter.predicate(mail)) {
        waiters.delete(waiter);
        waiter.resolve(mail);
      }
    }
  };

  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to manage, and AUTH must work without TLS.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    // Clients that never say QUIT must not keep close() waiting for the 30 s default.
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "anonymous" });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error: Error) => callback(error));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        const { mailFrom, rcptTo } = session.envelope;
        // Answer 250 only once the mail is recorded: when sendMail() resolves in a test,
        // the mail is already in `mails`.
        simpleParser(raw).then(
          (parsed) => {
            record({
              to: rcptTo.map((r) => r.address),
              from: mailFrom ? mailFrom.address : "",
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: parsed.html || "",
              raw: raw.toString("utf8"),
            });
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Connection-level errors (a client resetting the socket) must not crash the test run.
  server.on("error", () => {});

  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    connections: () => connections,
    waitForMail(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      const already = mails.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise<CapturedMail>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = mails.map((m) => `${m.to.join(",")}: ${m.subject}`).join("; ") || "none";
          reject(
            new Error(
              `smtp-capture: no matching mail within ${timeoutMs} ms (received ${mails.length}: ${seen})`,
            ),
          );
        }, timeoutMs);
        const waiter: Waiter = {
          predicate,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        waiters.add(waiter);
      });
    },
    clear() {
      // In place: callers may hold a reference to `mails`.
      mails.length = 0;
    },
    close() {
      for (const waiter of waiters) waiter.reject(new Error("smtp-capture: server closed"));
      waiters.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first run of exactly six digits in the text part: the code of a verification or reset mail. */
export function extractCode(mail: CapturedMail): string {
  const match = /(?<!\d)\d{6}(?!\d)/.exec(mail.text);
  if (!match) throw new Error(`No 6-digit code in the text part of mail "${mail.subject}"`);
  return match[0];
}

/** The first URL in the text part that starts with `prefix`, up to the next whitespace. */
export function extractLink(mail: CapturedMail, prefix: string): string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`${escaped}[^\\s<>"]*`).exec(mail.text);
  if (!match) throw new Error(`No link starting with ${prefix} in mail "${mail.subject}"`);
  return match[0];
}
