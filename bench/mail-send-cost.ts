import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createMailer } from "../src/mail/mailer.js";
import { createSmtpTransport, type SmtpOptions } from "../src/mail/transports/smtp.js";

/**
 * CPU of this process per verification mail sent over SMTP, by transport setting, the
 * variants taking turns (npx tsx bench/mail-send-cost.ts [rounds]). The receiver runs in a
 * child process (bench/smtp-sink.ts). Mail goes out as the delivery worker sends it: a
 * claimed batch of 20 at once, then a pause shorter than the keep-alive.
 */
const rounds = Number(process.argv[2] ?? 3);
const sink = spawn(
  process.execPath,
  [...process.execArgv, fileURLToPath(new URL("./smtp-sink.ts", import.meta.url))],
  {
    stdio: ["pipe", "pipe", "inherit"],
  },
);
const [first] = (await once(sink.stdout, "data")) as [Buffer];
const url = first.toString().trim();

const rendered = createMailer().verificationCode(
  { email: "someone@bench.example.com", name: "Some One", locale: null },
  "123456",
  900,
  "https://app.example.com/verify-email?code=123456&email=someone%40bench.example.com",
);
const message = { ...rendered, from: "no-reply@bench.example.com" };
const variants: [string, SmtpOptions][] = [
  ["a connection per message", {}],
  ["kept alive 5 s, up to 20", { keepAliveMs: 5_000, maxConnections: 20 }],
];

for (let round = 1; round <= rounds; round++) {
  for (const [label, options] of variants) {
    const transport = createSmtpTransport(url, options);
    const batch = () => Promise.all(Array.from({ length: 20 }, () => transport.send(message)));
    await batch();
    const before = process.cpuUsage();
    for (let i = 0; i < 10; i++) {
      await batch();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const used = process.cpuUsage(before);
    console.log(
      `round ${round}, ${label}: ${((used.user + used.system) / 1000 / 200).toFixed(3)} ms CPU a mail`,
    );
    await transport.close();
  }
}
sink.stdin.end();
