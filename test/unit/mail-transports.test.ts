import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MailMessage } from "../../src/mail/message.js";
import { verificationCodeMail } from "../../src/mail/templates/verification-code.js";
import type { MailLog } from "../../src/mail/transport.js";
import { createFileTransport } from "../../src/mail/transports/file.js";
import { createSmtpTransport } from "../../src/mail/transports/smtp.js";
import {
  extractCode,
  extractLink,
  type SmtpCapture,
  startSmtpCapture,
} from "../helpers/smtp-capture.js";

const FROM = "no-reply@latchkey.test";
const CODE = "314159";

interface LogLine {
  level: "info" | "error";
  obj: object;
  msg: string;
}

function recordingLog(): MailLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: "info", obj, msg }),
    error: (obj, msg) => lines.push({ level: "error", obj, msg }),
  };
}

function codeMessage(to: string, code = CODE): MailMessage {
  const rendered = verificationCodeMail({
    productName: "Latchkey",
    name: "Ada",
    code,
    ttlMinutes: 10,
  });
  return { to, template: "verification-code", ...rendered };
}

/** A port nothing listens on: bind one, then let it go. */
async function _closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

// Compile-time check: a pino Logger is a MailLog.
const _pinoFits: MailLog = pino({ enabled: false });

describe("SMTP transport", () => {
  let capture: SmtpCapture;
  beforeAll(async () => {
    capture = await startSmtpCapture();
  });
  afterEach(() => capture.clear());
  afterAll(() => capture.close());

  it("delivers a multipart message with both parts over real SMTP", async () => {
    const transport = createSmtpTransport(capture.url);
    await transport.send({ ...codeMessage("ada@example.test"), from: FROM });
    await transport.close();

    // The capture answers 250 only after recording, so the mail is already there.
    expect(capture.mails).toHaveLength(1);
    const mail = await capture.waitForMail((m) => m.to.includes("ada@example.test"));
    expect(mail.from).toBe(FROM);
    expect(mail.to).toEqual(["ada@example.test"]);
    expect(mail.subject).toBe("Your Latchkey verification code");
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.raw).toMatch(/Content-Type: text\/plain/i);
    expect(mail.raw).toMatch(/Content-Type: text\/html/i);
    expect(mail.text).toContain(CODE);
    expect(mail.html).toContain(CODE);
    expect(extractCode(mail)).toBe(CODE);
  });

  it("with keepAliveMs, sends later messages over the open connection, each whole", async () => {
    const before = capture.connections();
    const transport = createSmtpTransport(capture.url, { keepAliveMs: 5_000, maxConnections: 2 });
    await transport.send({ ...codeMessage("keep1@example.test", "111111"), from: FROM });
    await transport.send({ ...codeMessage("keep2@example.test", "222222"), from: FROM });
    await Promise.all(
      ["keep3", "keep4"].map((to) =>
        transport.send({ ...codeMessage(`${to}@example.test`), from: FROM }),
      ),
    );
    await transport.close();
    // Two at once open a second connection; nothing more was opened.
    expect(capture.connections() - before).toBe(2);
    const second = await capture.waitForMail((m) => m.to.includes("keep2@example.test"));
    expect(second.to).toEqual(["keep2@example.test"]);
    expect(extractCode(second)).toBe("222222");
    expect(capture.mails.map((m) => m.to[0]).sort()).toEqual([
      "keep1@example.test",
      "keep2@example.test",
      "keep3@example.test",
      "keep4@example.test",
    ]);
  });

  it("without keepAliveMs, opens one connection per message", async () => {
    const before = capture.connections();
    const transport = createSmtpTransport(capture.url);
    await transport.send({ ...codeMessage("one1@example.test"), from: FROM });
    await transport.send({ ...codeMessage("one2@example.test"), from: FROM });
    await transport.close();
    expect(capture.connections() - before).toBe(2);
  });

  it("authenticates with credentials from the URL", async () => {
    const transport = createSmtpTransport(`smtp://user:p%40ss@127.0.0.1:${capture.port}`);
    await transport.send({ ...codeMessage("auth@example.test"), from: FROM });
    await transport.close();
    const mail = await capture.waitForMail((m) => m.to.includes("auth@example.test"));
    expect(mail.subject).toBe("Your Latchkey verification code");
  });

  it("waitForMail waits for a future mail, and times out clearly", async () => {
    const waiting = capture.waitForMail((m) => m.to.includes("later@example.test"), 5_000);
    const transport = createSmtpTransport(capture.url);
    await transport.send({ ...codeMessage("later@example.test"), from: FROM });
    await transport.close();
    expect((await waiting).to).toEqual(["later@example.test"]);

    await expect(capture.waitForMail(() => false, 50)).rejects.toThrow(
      /no matching mail within 50 ms/,
    );
  });

  it("extracts links and fails loudly when there is none", () => {
    const mail = {
      to: ["a@example.test"],
      from: FROM,
      subject: "s",
      text: "Open:\nhttps://app.test/password/reset/tok_EN-1\n\nbye",
      html: "",
      raw: "",
    };
    expect(extractLink(mail, "https://app.test/password/reset/")).toBe(
      "https://app.test/password/reset/tok_EN-1",
    );
    expect(() => extractLink(mail, "https://other.test/")).toThrow(/No link/);
    expect(() => extractCode(mail)).toThrow(/No 6-digit code/);
  });
});

describe("file transport", () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), "latchkey-mail-")), "nested", "mail");
  });
  afterAll(() => rm(join(dir, "..", ".."), { recursive: true, force: true }));

  it("writes a parseable .eml and logs one line without the body", async () => {
    const log = recordingLog();
    const transport = createFileTransport(dir, log);
    await transport.send({ ...codeMessage("file@example.test"), from: FROM });
    await transport.close();

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const name = files[0]!;
    expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-f]+\.eml$/);

    const raw = await readFile(join(dir, name));
    expect(raw.toString("latin1")).toContain("\r\n");
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe("Your Latchkey verification code");
    expect(parsed.text).toContain(CODE);
    expect(parsed.html || "").toContain(CODE);
    expect(raw.toString("latin1")).toMatch(/Content-Type: multipart\/alternative/i);

    expect(log.lines).toHaveLength(1);
    const line = log.lines[0]!;
    expect(line.level).toBe("info");
    expect(line.obj).toMatchObject({
      to: "file@example.test",
      subject: "Your Latchkey verification code",
      template: "verification-code",
      file: join(dir, name),
    });
    expect(JSON.stringify(line)).not.toContain(CODE);
  });
});
