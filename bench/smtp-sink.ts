import { startSmtpCapture } from "../test/helpers/smtp-capture.js";

/**
 * The tests' SMTP capture in a process of its own, for bench/mail-send-cost.ts: its CPU is
 * then not the sender's. Prints its URL, forgets what it received, ends with its parent.
 */
const capture = await startSmtpCapture();
setInterval(() => capture.clear(), 1_000);
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
console.log(capture.url);
