import { normalizeEmail } from "../../rules/email.js";
import { normalizePassword, PASSWORD_MAX_LENGTH, passwordLength } from "../../rules/password.js";
import type { EnvVar, Parsed } from "../env-var.js";
import { durationOf, fail, integerIn, ok, parseBoolean, quote } from "../parsers.js";

/** The same rule the login form applies, or the bootstrap admin could never sign in. */
function parseAdminEmail(raw: string): Parsed<string> {
  const result = normalizeEmail(raw);
  if (result.ok) return ok(result.value);
  return fail(`${quote(raw)} ${result.message.replace(/^Email\s+/, "").replace(/\.$/, "")}`);
}

/** The length the password rules count: NFKC-normalised, in code points. */
export const countPasswordLength = (password: string): number =>
  passwordLength(normalizePassword(password));

function parseAdminPassword(raw: string): Parsed<string> {
  if (countPasswordLength(raw) > PASSWORD_MAX_LENGTH) {
    return fail(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  return ok(raw);
}

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const ACCOUNT_VARS = [
  { name: "EMAIL_CODE_TTL", aliases: [], key: "emailCodeTtl", group: "accounts", default: "10m", fallback: "10m",
    description: "Lifetime of an email verification code.",
    parse: durationOf({ allowZero: false }) },
  { name: "RESET_TOKEN_TTL", aliases: [], key: "resetTokenTtl", group: "accounts", default: "15m", fallback: "15m",
    description: "Lifetime of a password reset link.",
    parse: durationOf({ allowZero: false }) },
  { name: "RESEND_COOLDOWN", aliases: [], key: "resendCooldown", group: "accounts", default: "60s", fallback: "60s",
    description: "Least time between two codes mailed to one address; 0 disables it.",
    parse: durationOf({ allowZero: true }) },
  { name: "CODE_MAX_ATTEMPTS", aliases: [], key: "codeMaxAttempts", group: "accounts", default: "5", fallback: "5",
    description: "Wrong tries before a code is burned (1 to 100).",
    parse: integerIn(1, 100) },
  { name: "REQUIRE_EMAIL_VERIFICATION", aliases: [], key: "requireEmailVerification", group: "accounts",
    default: "true", fallback: "true",
    description: "false: register returns a token bundle and login needs no verification.",
    parse: parseBoolean },
  { name: "BOOTSTRAP_ADMIN_EMAIL", aliases: [], key: "bootstrapAdminEmail", group: "accounts", default: "unset",
    description: "At start, when no admin exists, create this active admin.",
    parse: parseAdminEmail },
  { name: "BOOTSTRAP_ADMIN_PASSWORD", aliases: [], key: "bootstrapAdminPassword", group: "accounts", default: "unset",
    description: "Password of the bootstrap admin; set together with BOOTSTRAP_ADMIN_EMAIL.",
    parse: parseAdminPassword },
] as const satisfies readonly EnvVar[];
