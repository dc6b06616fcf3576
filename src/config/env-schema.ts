import { resolve } from "node:path";
import { normalizeEmail } from "../rules/email.js";
import { normalizePassword, PASSWORD_MAX_LENGTH, passwordLength } from "../rules/password.js";
import type { Config, RateLimitRule } from "./config.js";
import { parseDuration } from "./duration.js";

/**
 * Every environment variable Latchkey reads, in one table: loadConfig validates with it
 * and the README's configuration table is generated from it, so the two cannot drift.
 */

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

interface EnvVarFields<K extends keyof Config> {
  readonly name: string;
  /** Other names accepted for it; when both are set, `name` wins. */
  readonly aliases: readonly string[];
  /** The Config field it fills. */
  readonly key: K;
  /** What an unset variable means, as shown to operators. */
  readonly default: string;
  readonly description: string;
  /** Turns a non-empty raw value into the typed value, or says what is wrong (never echoing a secret). */
  readonly parse: (raw: string) => Parsed<NonNullable<Config[K]>>;
}

/** Unset means this raw value, parsed like any other. */
export interface DefaultedEnvVar<K extends keyof Config> extends EnvVarFields<K> {
  readonly fallback: string;
}

/** Unset means undefined, or a value loadConfig derives from another variable. */
export interface OptionalEnvVar<K extends keyof Config> extends EnvVarFields<K> {
  readonly fallback?: undefined;
}

export type EnvVar = { [K in keyof Config]: DefaultedEnvVar<K> | OptionalEnvVar<K> }[keyof Config];

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** Shows a raw value in an error: JSON-escaped so the message stays one line, and cut short. */
export function quote(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

/** Names only the scheme of a URL that may carry a password, so the error can be logged. */
function schemeOf(raw: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
  return scheme === undefined ? "no scheme" : `scheme ${quote(scheme)}`;
}

function integerIn(min: number, max: number, why = "") {
  return (raw: string): Parsed<number> => {
    const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value)) return fail(`${quote(raw)} is not a whole number`);
    if (value < min) return fail(`${value} is below the minimum of ${min}${why}`);
    if (value > max) return fail(`${value} is above the maximum of ${max}`);
    return ok(value);
  };
}

function durationOf({ allowZero }: { allowZero: boolean }) {
  return (raw: string): Parsed<number> => {
    const seconds = parseDuration(raw);
    if (seconds === undefined) {
      return fail(`${quote(raw)} is not a duration (use 90s, 15m, 24h, 30d or seconds)`);
    }
    if (seconds === 0 && !allowZero) return fail(`${quote(raw)} must be longer than zero`);
    return ok(seconds);
  };
}

/** `300ms`, or a duration in seconds and up (`10s`, `1m`), into milliseconds. */
function millisecondsIn(minMs: number, maxMs: number) {
  return (raw: string): Parsed<number> => {
    const ms = /^([0-9]{1,9})ms$/.exec(raw);
    const seconds = ms ? undefined : parseDuration(raw);
    const value = ms ? Number(ms[1]) : seconds === undefined ? undefined : seconds * 1000;
    if (value === undefined) return fail(`${quote(raw)} is not a duration (use 500ms, 10s or 1m)`);
    if (value < minMs) return fail(`${quote(raw)} is below the minimum of ${minMs}ms`);
    if (value > maxMs) return fail(`${quote(raw)} is above the maximum of ${maxMs / 1000}s`);
    return ok(value);
  };
}

const TRUE = ["true", "1", "yes"];
const FALSE = ["false", "0", "no"];
function parseBoolean(raw: string): Parsed<boolean> {
  const word = raw.toLowerCase();
  if (TRUE.includes(word)) return ok(true);
  if (FALSE.includes(word)) return ok(false);
  return fail(`${quote(raw)} is not a boolean (use true, false, 1, 0, yes or no)`);
}

function oneOf<const T extends string>(values: readonly T[]) {
  return (raw: string): Parsed<T> => {
    const value = values.find((candidate) => candidate === raw);
    return value === undefined
      ? fail(`${quote(raw)} is not one of ${values.join(", ")}`)
      : ok(value);
  };
}

function notBlank(raw: string): Parsed<string> {
  const value = raw.trim();
  return value === "" ? fail("must not be blank") : ok(value);
}

/** PUBLIC_URL, APP_URL: links are built as `${base}/path`, so the base has no trailing slash. */
function parseBaseUrl(raw: string): Parsed<string> {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return fail(`${quote(raw)} is not an absolute http:// or https:// URL`);
  }
  if (url.search !== "" || url.hash !== "") {
    return fail(`${quote(raw)} must not have a ?query or #fragment (links are appended to it)`);
  }
  if (url.username !== "" || url.password !== "") return fail("must not contain credentials");
  // origin + pathname also drops a bare "?" or "#", which href would keep.
  return ok(`${url.origin}${url.pathname}`.replace(/\/+$/, ""));
}

function urlWithScheme(pattern: RegExp, schemes: string) {
  return (raw: string): Parsed<string> =>
    pattern.test(raw) ? ok(raw) : fail(`must start with ${schemes} (got ${schemeOf(raw)})`);
}

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

// MAIL_FROM goes verbatim into the From header: a CR or LF would let it add headers.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;
const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+$/;
// `Name <addr>` with a bare or quoted name; a bare comma would make a second address.
const NAMED_ADDRESS = /^(?:"[^"]*"|[^<>",;]*?)\s*<([^<>]+)>$/;

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

const BRAND_NAME_MAX_LENGTH = 60;
function parseBrandName(raw: string): Parsed<string> {
  const name = raw.trim();
  if (name === "") return fail("must not be blank");
  if (CONTROL.test(name)) return fail("must not contain control characters or line breaks");
  if ([...name].length > BRAND_NAME_MAX_LENGTH) {
    return fail(`must be at most ${BRAND_NAME_MAX_LENGTH} characters`);
  }
  return ok(name);
}

/** Hex only: the value goes into a stylesheet, where anything else could carry more CSS. */
function parseColor(raw: string): Parsed<string> {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(raw.trim())?.[1]?.toLowerCase();
  if (hex === undefined) return fail(`${quote(raw)} is not a colour like #1f6feb or #36c`);
  return ok(`#${hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex}`);
}

function parseLogoUrl(raw: string): Parsed<string> {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return fail(`${quote(raw)} is not an absolute http:// or https:// URL`);
  }
  if (url.username !== "" || url.password !== "") return fail("must not contain credentials");
  return ok(url.href);
}

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits.
// 32 characters are at least 32 bytes in UTF-8.
export const JWT_SECRET_MIN_LENGTH = 32;
function parseJwtSecret(raw: string): Parsed<string> {
  const length = [...raw].length;
  if (length >= JWT_SECRET_MIN_LENGTH) return ok(raw);
  return fail(
    `must be at least ${JWT_SECRET_MIN_LENGTH} characters (256 bits for HS256, RFC 7518 §3.2), got ${length}; try: openssl rand -base64 48`,
  );
}

function parseJwtSecretLike(raw: string): Parsed<string> {
  const length = [...raw].length;
  if (length >= JWT_SECRET_MIN_LENGTH) return ok(raw);
  return fail(`must be at least ${JWT_SECRET_MIN_LENGTH} characters, got ${length}`);
}

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

function parseDirectory(raw: string): Parsed<string> {
  const dir = notBlank(raw);
  return dir.ok ? ok(resolve(dir.value)) : dir;
}

function parseTrustProxy(raw: string): Parsed<boolean | number | string[]> {
  const word = raw.trim().toLowerCase();
  // Digits are a hop count before they are a boolean: "1" means one proxy, not trust-all.
  if (/^[0-9]{1,2}$/.test(word)) return Number(word) === 0 ? ok(false) : ok(Number(word));
  if (TRUE.includes(word)) return ok(true);
  if (FALSE.includes(word)) return ok(false);
  const entries = raw.split(",").map((entry) => entry.trim());
  if (entries.every((entry) => /^[0-9a-f.:]+(?:\/[0-9]{1,3})?$/i.test(entry))) return ok(entries);
  return fail(
    `${quote(raw)} is not true, false, a hop count, or a comma-separated list of proxy addresses`,
  );
}

function parseOrigins(raw: string): Parsed<string[]> {
  const origins: string[] = [];
  for (const entry of raw
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (
      !url ||
      (url.protocol !== "http:" && url.protocol !== "https:") ||
      url.origin !== entry.replace(/\/$/, "")
    ) {
      return fail(`${quote(entry)} is not an origin like https://app.example.com`);
    }
    origins.push(url.origin);
  }
  return ok(origins);
}

/** Audiences are opaque strings (RFC 7519 §4.1.3), usually the API's URL. */
function parseAudiences(raw: string): Parsed<string[]> {
  const audiences = raw
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (audiences.length === 0) return fail("must name at least one audience");
  return ok([...new Set(audiences)]);
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
function rateLimit<K extends string>(name: K, fallback: string, description: string, why = "") {
  return {
    name: `RATE_LIMIT_${name}`,
    aliases: [],
    default: fallback,
    fallback,
    description: why ? `${description} ${why}` : description,
    parse: parseRateLimit,
  } as const;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const NODE_ENVS = ["development", "production", "test"] as const;

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const ENV_SCHEMA = {
  PORT: { name: "PORT", aliases: [], key: "port", default: "3000", fallback: "3000",
    description: "TCP port to listen on; 0 picks any free port (tests).",
    parse: integerIn(0, 65_535) },
  HOST: { name: "HOST", aliases: [], key: "host", default: "127.0.0.1", fallback: "127.0.0.1",
    description: "Address to listen on; 0.0.0.0 accepts outside connections.",
    parse: notBlank },
  DATABASE_URL: { name: "DATABASE_URL", aliases: [], key: "databaseUrl",
    default: "unset: embedded PGlite in `$DATA_DIR/db`",
    description: "PostgreSQL connection URL (`postgres://user:pass@host:5432/db`).",
    parse: urlWithScheme(/^postgres(?:ql)?:\/\//i, "postgres:// or postgresql://") },
  DATA_DIR: { name: "DATA_DIR", aliases: [], key: "dataDir", default: "./data", fallback: "./data",
    description: "Folder for the embedded database, the dev mail folder and generated keys.",
    parse: parseDirectory },
  PUBLIC_URL: { name: "PUBLIC_URL", aliases: [], key: "publicUrl", default: "http://localhost:$PORT",
    description: "The service's own base URL; issuer of access tokens.",
    parse: parseBaseUrl },
  APP_URL: { name: "APP_URL", aliases: ["DASHBOARD_URL"], key: "appUrl", default: "PUBLIC_URL",
    description: "Base of the links in emails (verification, password reset).",
    parse: parseBaseUrl },
  SMTP_URL: { name: "SMTP_URL", aliases: [], key: "smtpUrl",
    default: "unset: mail is written to `$DATA_DIR/mail/*.eml` and summarised in the log",
    description: "`smtp://user:pass@host:port` or `smtps://…`; required in production.",
    parse: parseSmtpUrl },
  MAIL_FROM: { name: "MAIL_FROM", aliases: ["ADMIN_EMAIL"], key: "mailFrom",
    default: "no-reply@localhost", fallback: "no-reply@localhost",
    description: "Sender of every email: `addr@example.com` or `Name <addr@example.com>`.",
    parse: parseMailFrom },
  JWT_SECRET: { name: "JWT_SECRET", aliases: ["SECRET_KEY"], key: "jwtSecret",
    default: "unset: Ed25519 keys, generated once and kept",
    description: "When set (32+ characters), access tokens are HS256 signed with it.",
    parse: parseJwtSecret },
  ACCESS_TOKEN_AUDIENCE: { name: "ACCESS_TOKEN_AUDIENCE", aliases: [], key: "accessTokenAudience",
    default: "PUBLIC_URL",
    description: "`aud` of access tokens (comma list); a token must name one of them (RFC 9068 §4).",
    parse: parseAudiences },
  ACCESS_TOKEN_TTL: { name: "ACCESS_TOKEN_TTL", aliases: [], key: "accessTokenTtl", default: "15m", fallback: "15m",
    description: "Lifetime of an access token.",
    parse: durationOf({ allowZero: false }) },
  REFRESH_TOKEN_TTL: { name: "REFRESH_TOKEN_TTL", aliases: [], key: "refreshTokenTtl", default: "30d", fallback: "30d",
    description: "Lifetime of a refresh token, that is of an idle session.",
    parse: durationOf({ allowZero: false }) },
  EMAIL_CODE_TTL: { name: "EMAIL_CODE_TTL", aliases: [], key: "emailCodeTtl", default: "10m", fallback: "10m",
    description: "Lifetime of an email verification code.",
    parse: durationOf({ allowZero: false }) },
  RESET_TOKEN_TTL: { name: "RESET_TOKEN_TTL", aliases: [], key: "resetTokenTtl", default: "15m", fallback: "15m",
    description: "Lifetime of a password reset link.",
    parse: durationOf({ allowZero: false }) },
  RESEND_COOLDOWN: { name: "RESEND_COOLDOWN", aliases: [], key: "resendCooldown", default: "60s", fallback: "60s",
    description: "Least time between two codes mailed to one address; 0 disables it.",
    parse: durationOf({ allowZero: true }) },
  CODE_MAX_ATTEMPTS: { name: "CODE_MAX_ATTEMPTS", aliases: [], key: "codeMaxAttempts", default: "5", fallback: "5",
    description: "Wrong tries before a code is burned (1 to 100).",
    parse: integerIn(1, 100) },
  REQUIRE_EMAIL_VERIFICATION: { name: "REQUIRE_EMAIL_VERIFICATION", aliases: [], key: "requireEmailVerification",
    default: "true", fallback: "true",
    description: "false: register returns a token bundle and login needs no verification.",
    parse: parseBoolean },
  // NIST SP 800-63B (rev. 3) §5.1.1.2: memorized secrets chosen by the subscriber SHALL be
  // at least 8 characters, so 8 is the floor; the ceiling is the contract's 256.
  PASSWORD_MIN_LENGTH: { name: "PASSWORD_MIN_LENGTH", aliases: [], key: "passwordMinLength", default: "8", fallback: "8",
    description: "Least password length, in characters (8 to 256).",
    parse: integerIn(8, PASSWORD_MAX_LENGTH, " (NIST SP 800-63B §5.1.1.2)") },
  // Below 1 KiB not even a registration body fits.
  BODY_LIMIT: { name: "BODY_LIMIT", aliases: [], key: "bodyLimit", default: "1048576", fallback: "1048576",
    description: "Largest request body, in bytes (at least 1024).",
    parse: integerIn(1024, Number.MAX_SAFE_INTEGER) },
  BOOTSTRAP_ADMIN_EMAIL: { name: "BOOTSTRAP_ADMIN_EMAIL", aliases: [], key: "bootstrapAdminEmail", default: "unset",
    description: "At start, when no admin exists, create this active admin.",
    parse: parseAdminEmail },
  BOOTSTRAP_ADMIN_PASSWORD: { name: "BOOTSTRAP_ADMIN_PASSWORD", aliases: [], key: "bootstrapAdminPassword", default: "unset",
    description: "Password of the bootstrap admin; set together with BOOTSTRAP_ADMIN_EMAIL.",
    parse: parseAdminPassword },
  REDIS_URL: { name: "REDIS_URL", aliases: [], key: "redisUrl",
    default: "unset: limits kept in the database or in process",
    description: "Shared rate-limit state for several instances (`redis://` or `rediss://`).",
    parse: urlWithScheme(/^rediss?:\/\//i, "redis:// or rediss://") },
  COOKIE_SECURE: { name: "COOKIE_SECURE", aliases: [], key: "cookieSecure", default: "true", fallback: "true",
    description: "false only for plain-http local development.",
    parse: parseBoolean },
  LOG_LEVEL: { name: "LOG_LEVEL", aliases: [], key: "logLevel", default: "info", fallback: "info",
    description: `One of ${LOG_LEVELS.join(", ")}.`,
    parse: oneOf(LOG_LEVELS) },
  NODE_ENV: { name: "NODE_ENV", aliases: [], key: "nodeEnv", default: "development", fallback: "development",
    description: "development, production or test; production requires SMTP_URL.",
    parse: oneOf(NODE_ENVS) },
  // OWASP Password Storage Cheat Sheet: argon2id with at least m=19456 KiB (19 MiB), t=2, p=1.
  // The ceiling (4 GiB) catches a value typed in bytes before the first login runs out of memory.
  ARGON2_MEMORY_KIB: { name: "ARGON2_MEMORY_KIB", aliases: [], key: "argon2MemoryKib", default: "19456", fallback: "19456",
    description: "argon2id memory cost, in KiB (at least 19456).",
    parse: integerIn(19_456, 4_194_304, " (OWASP Password Storage Cheat Sheet)") },
  ARGON2_ITERATIONS: { name: "ARGON2_ITERATIONS", aliases: [], key: "argon2Iterations", default: "2", fallback: "2",
    description: "argon2id time cost, passes over the memory (at least 2).",
    parse: integerIn(2, 1000, " (OWASP Password Storage Cheat Sheet)") },
  // Each running hash holds ARGON2_MEMORY_KIB and a core: more at once than cores only adds
  // memory and context switches (BENCHMARKS.md). Keep it below UV_THREADPOOL_SIZE (libuv's,
  // default 4), which also runs every JWT signature and verification.
  HASH_CONCURRENCY: { name: "HASH_CONCURRENCY", aliases: [], key: "hashConcurrency",
    default: "the number of cores (os.availableParallelism())",
    description: "Password hashes run at once; others wait in line. Set UV_THREADPOOL_SIZE above it.",
    parse: integerIn(1, 1024) },
  // 64 hash times of waiting: about 0.5 s at the OWASP parameters (7.6 ms a hash), whatever
  // the core count, since the queue drains HASH_CONCURRENCY at a time (BENCHMARKS.md).
  HASH_QUEUE_MAX: { name: "HASH_QUEUE_MAX", aliases: [], key: "hashQueueMax",
    default: "64 × HASH_CONCURRENCY",
    description: "Hashes that may wait; past that, sign-up and login answer 503 with Retry-After: 1.",
    parse: integerIn(0, 1_000_000) },
  TRUST_PROXY: { name: "TRUST_PROXY", aliases: [], key: "trustProxy", default: "false", fallback: "false",
    description: "Take the client IP from X-Forwarded-For: the number of proxies in front (e.g. 1), or their addresses/CIDRs; the address they appended is used. `true` trusts every entry, so a client picks its own IP: unsafe unless the proxy overwrites the header.",
    parse: parseTrustProxy },
  CORS_ORIGINS: { name: "CORS_ORIGINS", aliases: [], key: "corsOrigins", default: "unset: same origin only",
    description: "Comma-separated origins allowed to call the API from a browser, with cookies.",
    parse: parseOrigins },
  // OWASP Logging Cheat Sheet leaves retention to policy; 90 days covers a quarter's review.
  AUDIT_RETENTION: { name: "AUDIT_RETENTION", aliases: [], key: "auditRetention", default: "90d", fallback: "90d",
    description: "How long audit events are kept.",
    parse: durationOf({ allowZero: false }) },
  HIBP_ENABLED: { name: "HIBP_ENABLED", aliases: [], key: "hibpEnabled", default: "false", fallback: "false",
    description: "Also refuse passwords found by the Have I Been Pwned range API (k-anonymity); fails open.",
    parse: parseBoolean },
  HIBP_TIMEOUT_MS: { name: "HIBP_TIMEOUT_MS", aliases: [], key: "hibpTimeoutMs", default: "1500", fallback: "1500",
    description: "Time allowed for the HIBP lookup before the password is accepted anyway.",
    parse: integerIn(100, 10_000) },
  RATE_LIMIT_ENABLED: { name: "RATE_LIMIT_ENABLED", aliases: [], key: "rateLimitEnabled", default: "true", fallback: "true",
    description: "false turns every rate limit off (benchmarks, trusted networks).",
    parse: parseBoolean },
  MAIL_MAX_ATTEMPTS: { name: "MAIL_MAX_ATTEMPTS", aliases: [], key: "mailMaxAttempts", default: "8", fallback: "8",
    description: "Delivery tries per message (backing off from 2 s to 10 min) before it is marked dead.",
    parse: integerIn(1, 100) },
  MAIL_POLL_INTERVAL: { name: "MAIL_POLL_INTERVAL", aliases: [], key: "mailPollInterval", default: "1s", fallback: "1s",
    description: "How often each instance looks in the mail outbox for messages to send.",
    parse: durationOf({ allowZero: false }) },
  MAIL_LEASE: { name: "MAIL_LEASE", aliases: [], key: "mailLease", default: "60s", fallback: "60s",
    description: "How long a message being sent is one instance's; after it, another retries (a crashed instance loses nothing).",
    parse: durationOf({ allowZero: false }) },
  KEY_RELOAD_INTERVAL: { name: "KEY_RELOAD_INTERVAL", aliases: [], key: "keyReloadInterval", default: "30s", fallback: "30s",
    description: "How often each instance re-reads the signing keys: a key rotated elsewhere reaches its JWKS within this time.",
    parse: durationOf({ allowZero: false }) },
  // A client that sends its headers or body a byte at a time holds a socket and its memory
  // for as long as it likes (slowloris); Node's own request timeout is 5 min.
  HEADERS_TIMEOUT: { name: "HEADERS_TIMEOUT", aliases: [], key: "headersTimeoutMs", default: "10s", fallback: "10s",
    description: "Time a client has to send a request's headers; then 408 and the connection is closed.",
    parse: millisecondsIn(100, 3_600_000) },
  REQUEST_TIMEOUT: { name: "REQUEST_TIMEOUT", aliases: [], key: "requestTimeoutMs", default: "30s", fallback: "30s",
    description: "Time a client has to send a whole request, body included (at least HEADERS_TIMEOUT).",
    parse: millisecondsIn(100, 3_600_000) },
  SHUTDOWN_TIMEOUT: { name: "SHUTDOWN_TIMEOUT", aliases: [], key: "shutdownTimeout", default: "10s", fallback: "10s",
    description: "On SIGTERM, how long in-flight requests and mail may take before the process exits.",
    parse: durationOf({ allowZero: false }) },
  // A scrape token is a shared secret like any other: 32+ characters of randomness.
  METRICS_TOKEN: { name: "METRICS_TOKEN", aliases: [], key: "metricsToken", default: "unset",
    description: "Require `Authorization: Bearer <token>` on /metrics (32+ characters); alone, it serves /metrics on the public port.",
    parse: parseJwtSecretLike },
  METRICS_PORT: { name: "METRICS_PORT", aliases: [], key: "metricsPort", default: "unset: no metrics server",
    description: "Serve /metrics on its own port (METRICS_HOST), off the public one.",
    parse: integerIn(1, 65_535) },
  METRICS_HOST: { name: "METRICS_HOST", aliases: [], key: "metricsHost", default: "127.0.0.1", fallback: "127.0.0.1",
    description: "Address of the metrics server when METRICS_PORT is set.",
    parse: notBlank },
  PAGES_ENABLED: { name: "PAGES_ENABLED", aliases: [], key: "pagesEnabled", default: "true", fallback: "true",
    description: "Serve the hosted pages (sign-in, sign-up, verify-email, password reset, account); false turns them all off.",
    parse: parseBoolean },
  BRAND_NAME: { name: "BRAND_NAME", aliases: [], key: "brandName", default: "Latchkey", fallback: "Latchkey",
    description: "Product name shown on the hosted pages and in mail.",
    parse: parseBrandName },
  BRAND_COLOR: { name: "BRAND_COLOR", aliases: [], key: "brandColor", default: "#1f6feb", fallback: "#1f6feb",
    description: "Accent colour of the hosted pages (`#rrggbb` or `#rgb`): buttons, links, focus rings.",
    parse: parseColor },
  BRAND_LOGO_URL: { name: "BRAND_LOGO_URL", aliases: [], key: "brandLogoUrl", default: "unset: the name alone",
    description: "Absolute URL of a logo for the hosted pages; its origin is added to their img-src.",
    parse: parseLogoUrl },
} as const satisfies Record<string, EnvVar>;

/**
 * The rate limits, `RATE_LIMIT_<NAME>=N/duration`, counted per client IP or per account
 * (the normalised email or user id). Sources: OWASP ASVS 4.0 §2.2.1 (anti-automation),
 * the OWASP Credential Stuffing and Forgot Password cheat sheets, NIST SP 800-63B §5.2.2.
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

/** The table as a list, in documentation order. */
export const ENV_VARS: readonly EnvVar[] = Object.values(ENV_SCHEMA);

export interface DocumentedVar {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly default: string;
  readonly description: string;
}

/** Every variable loadConfig reads, for the README's configuration table. */
export const DOCUMENTED_VARS: readonly DocumentedVar[] = [
  ...ENV_VARS,
  ...Object.values(RATE_LIMIT_SCHEMA),
];
