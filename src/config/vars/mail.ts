import type { EnvVar, Parsed } from "../env-var.js";
import { CONTROL, durationOf, fail, integerIn, ok, quote, schemeOf } from "../parsers.js";

function parseSmtpUrl(raw: string): Parsed<string> {
  if (!/^smtps?:\/\//i.test(raw)) {
    return fail(`must start with smtp:// or smtps:// (got ${schemeOf(raw)})`);
  }
  // The value is not echoed: it usually holds the SMTP password.
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || url.hostname === "") {
    return fail("has no host (use smtp://user:pass@host:587 or smtps://user:pass@host:465)");
  }
  return ok(raw);
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;
// `Name <addr>` with a bare or quoted name; a bare comma would make a second address.
const NAMED_ADDRESS = /^(?:"[^"]*"|[^<>",;]*?)\s*<([^<>]+)>$/;

/** MAIL_FROM goes verbatim into the From header, hence no control characters. */
function parseMailFrom(raw: string): Parsed<string> {
  const value = raw.trim();
  if (CONTROL.test(value)) return fail("must not contain control characters or line breaks");
  const address = NAMED_ADDRESS.exec(value)?.[1] ?? value;
  if (!ADDRESS.test(address)) {
    return fail(
      `${quote(raw)} is not an address (use addr@example.com or Name <addr@example.com>)`,
    );
  }
  return ok(value);
}

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const MAIL_VARS = [
  { name: "SMTP_URL", aliases: [], key: "smtpUrl", group: "mail",
    default: "unset: mail is written to `$DATA_DIR/mail/*.eml` and summarised in the log",
    description: "`smtp://user:pass@host:port` or `smtps://…`; required in production.",
    parse: parseSmtpUrl },
  { name: "MAIL_FROM", aliases: ["ADMIN_EMAIL"], key: "mailFrom", group: "mail",
    default: "no-reply@localhost", fallback: "no-reply@localhost",
    description: "Sender of every email: `addr@example.com` or `Name <addr@example.com>`.",
    parse: parseMailFrom },
  { name: "MAIL_MAX_ATTEMPTS", aliases: [], key: "mailMaxAttempts", group: "mail", default: "8", fallback: "8",
    description: "Delivery tries per message (backing off from 2 s to 10 min) before it is marked dead.",
    parse: integerIn(1, 100) },
  { name: "MAIL_POLL_INTERVAL", aliases: [], key: "mailPollInterval", group: "mail", default: "1s", fallback: "1s",
    description: "How often each instance looks in the mail outbox for messages to send.",
    parse: durationOf({ allowZero: false }) },
  { name: "MAIL_LEASE", aliases: [], key: "mailLease", group: "mail", default: "60s", fallback: "60s",
    description: "How long a message being sent is one instance's; after it, another retries (a crashed instance loses nothing).",
    parse: durationOf({ allowZero: false }) },
] as const satisfies readonly EnvVar[];
