import { parseDuration } from "../duration.js";
import type { DefaultedEnvVar, EnvVar, Parsed } from "../env-var.js";
import { fail, ok, parseBoolean, quote, urlWithScheme } from "../parsers.js";

/** `points` requests per `duration` seconds, counted per key. */
export interface RateLimitRule {
  readonly points: number;
  readonly duration: number;
}

/** `N/duration`, e.g. `20/1h`: N requests per key in that window. */
function parseRateLimit(raw: string): Parsed<RateLimitRule> {
  const match = /^([0-9]{1,7})\/(.+)$/.exec(raw);
  const seconds = match?.[2] === undefined ? undefined : parseDuration(match[2]);
  if (!match || seconds === undefined || seconds === 0 || Number(match[1]) === 0) {
    return fail(`${quote(raw)} is not a limit like 20/1h (requests per duration)`);
  }
  return ok({ points: Number(match[1]), duration: seconds });
}

/** One entry of the rate-limit table: `RATE_LIMIT_<NAME>=N/duration`. */
function rateLimit(name: string, fallback: string, description: string, why = "") {
  return {
    name: `RATE_LIMIT_${name}`,
    aliases: [],
    group: "rate limits",
    default: fallback,
    fallback,
    description: why ? `${description} ${why}` : description,
    parse: parseRateLimit,
  } as const satisfies Omit<DefaultedEnvVar<RateLimitRule>, "key">;
}

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const RATE_LIMIT_VARS = [
  { name: "REDIS_URL", aliases: [], key: "redisUrl", group: "rate limits",
    default: "unset: limits kept in the database or in process",
    description: "Shared rate-limit state for several instances (`redis://` or `rediss://`).",
    parse: urlWithScheme(/^rediss?:\/\//i, "redis:// or rediss://") },
  { name: "RATE_LIMIT_ENABLED", aliases: [], key: "rateLimitEnabled", group: "rate limits", default: "true", fallback: "true",
    description: "false turns every rate limit off (benchmarks, trusted networks).",
    parse: parseBoolean },
] as const satisfies readonly EnvVar[];

/**
 * The rate limits, `RATE_LIMIT_<NAME>=N/duration`, counted per client IP or per account
 * (the normalised email or user id). Sources: OWASP ASVS 4.0 §2.2.1 (anti-automation),
 * the OWASP Credential Stuffing and Forgot Password cheat sheets, NIST SP 800-63B §5.2.2.
 * Together they fill one Config field, rateLimits, keyed by these names.
 */
// biome-ignore format: aligned table
export const RATE_LIMIT_SCHEMA = {
  registerIp: rateLimit("REGISTER_IP", "20/1h", "Sign-ups per client IP."),
  registerAccount: rateLimit("REGISTER_ACCOUNT", "5/1h", "Sign-ups per email (each one mails a code)."),
  loginIp: rateLimit("LOGIN_IP", "60/1m", "Login attempts per client IP."),
  loginFailuresAccountIp: rateLimit("LOGIN_FAILURES_ACCOUNT_IP", "5/15m",
    "Failed logins per (email, IP) before each further try waits twice as long as the last."),
  loginFailuresAccount: rateLimit("LOGIN_FAILURES_ACCOUNT", "20/24h",
    "Failed logins per email from all IPs before the growing delay; never more than 100 in a row.",
    "(NIST SP 800-63B §5.2.2)"),
  verifyIp: rateLimit("VERIFY_IP", "20/10m", "Verification-code tries per client IP, across accounts."),
  verifyAccount: rateLimit("VERIFY_ACCOUNT", "10/10m", "Verification-code tries per account."),
  resendIp: rateLimit("RESEND_IP", "10/1h", "Code resends per client IP."),
  resendAccount: rateLimit("RESEND_ACCOUNT", "5/1h", "Code resends per email."),
  forgotIp: rateLimit("FORGOT_IP", "10/1h", "Forgot-password requests per client IP."),
  forgotAccount: rateLimit("FORGOT_ACCOUNT", "5/1h", "Forgot-password requests per email."),
  resetIp: rateLimit("RESET_IP", "20/15m", "Reset attempts per client IP."),
  resetAccount: rateLimit("RESET_ACCOUNT", "10/15m", "Reset attempts per email or token."),
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_SCHEMA;

/** The limits' names, in the order above. */
export const RATE_LIMIT_NAMES = Object.keys(RATE_LIMIT_SCHEMA) as readonly RateLimitName[];
