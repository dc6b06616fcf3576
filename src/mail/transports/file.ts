import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { lazily } from "../../process/lazy.js";
import type { MailLog, MailTransport } from "../transport.js";

/**
 * Development delivery: each message becomes a `.eml` file that any mail client opens.
 * nodemailer's stream transport builds the message, so the file is the same multipart
 * MIME message an SMTP server would have received.
 */
export function createFileTransport(dir: string, log: Pick<MailLog, "info">): MailTransport {
  // Imported with the first message, not at start, like the SMTP transport.
  const compose = lazily(async () => {
    const { createTransport } = await import("nodemailer");
    // RFC 5322 lines end in CRLF; mail clients and parsers accept it everywhere.
    return createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  });
  let used = false;
  return {
    async send(message) {
      // Every time, not once: the folder may be deleted while the server runs, and this is
      // the dev path. The files hold live codes and links: readable by the service's user only.
      await mkdir(dir, { recursive: true, mode: 0o700 });
      used = true;
      const info = await (await compose()).sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      if (!Buffer.isBuffer(info.message)) {
        throw new Error("nodemailer stream transport returned a stream despite buffer: true");
      }
      const stamp = new Date().toISOString().replaceAll(":", "-");
      const file = join(dir, `${stamp}-${randomBytes(4).toString("hex")}.eml`);
      // Written under a name no reader looks for, then renamed: whoever watches the folder
      // for the newest .eml (a person, a test) never opens a file still being written.
      const partial = `${file}.partial`;
      await writeFile(partial, info.message, { mode: 0o600, flag: "wx" });
      await rename(partial, file);
      // The body carries the code or link: only the envelope and the path reach the log.
      log.info(
        { to: message.to, subject: message.subject, template: message.template, file },
        "mail written to file",
      );
    },
    async close() {
      if (used) (await compose()).close();
    },
  };
}
