import { availableParallelism } from "node:os";
import { type Config, RATE_LIMIT_NAMES, type RateLimitName, type RateLimitRule } from "./config.js";
import {
  countPasswordLength,
  type DefaultedEnvVar,
  ENV_SCHEMA,
  type OptionalEnvVar,
  RATE_LIMIT_SCHEMA,
} from "./env-schema.js";

/** A bad setting. The message is one line, `NAME: what is wrong`, fit to print and exit. */
export class ConfigError extends Error {
  /** The variable as the operator set it (an alias when that is what was used). */
  readonly variable: string;

  constructor(variable: string, problem: string) {
    // One line even if a problem text ever embeds a raw value: log collectors split on newlines.
    super(`${variable}: ${problem}`.replace(/[\r\n]+/g, " "));
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/** HASH_QUEUE_MAX's default, per running hash: see env-schema.ts. */
const HASH_QUEUE_PER_SLOT = 64;

type Env = Readonly<Record<string, string | undefined>>;
type AnyEnvVar<K extends keyof Config> = DefaultedEnvVar<K> | OptionalEnvVar<K>;

/** The first of the name and its aliases that is set; an empty string counts as unset. */
function lookup<K extends keyof Config>(env: Env, spec: AnyEnvVar<K>) {
  for (const source of [spec.name, ...spec.aliases]) {
    const raw = env[source];
    if (raw !== undefined && raw !== "") return { source, raw };
  }
  return undefined;
}

function read<K extends keyof Config>(env: Env, spec: DefaultedEnvVar<K>): NonNullable<Config[K]>;
function read<K extends keyof Config>(
  env: Env,
  spec: OptionalEnvVar<K>,
): NonNullable<Config[K]> | undefined;
function read<K extends keyof Config>(
  env: Env,
  spec: AnyEnvVar<K>,
): NonNullable<Config[K]> | undefined {
  const found = lookup(env, spec);
  const raw = found?.raw ?? spec.fallback;
  if (raw === undefined) return undefined;
  const result = spec.parse(raw);
  if (result.ok) return result.value;
  const source = found?.source ?? spec.name;
  throw new ConfigError(
    source === spec.name ? source : `${source} (alias of ${spec.name})`,
    result.error,
  );
}

/**
 * Validates the environment into a frozen Config, or throws a ConfigError naming the first
 * bad variable. Takes the environment as a parameter (main passes process.env) so nothing
 * else reads it and tests need no global state. Unknown variables are ignored.
 */
export function loadConfig(env: Env): Config {
  const s = ENV_SCHEMA;
  const nodeEnv = read(env, s.NODE_ENV);
  const port = read(env, s.PORT);
  const publicUrl = read(env, s.PUBLIC_URL) ?? `http://localhost:${port}`;
  const smtpUrl = read(env, s.SMTP_URL);
  if (nodeEnv === "production" && smtpUrl === undefined) {
    throw new ConfigError(
      "SMTP_URL",
      "required when NODE_ENV=production; mail would only be written to a folder",
    );
  }
  const metricsPort = read(env, s.METRICS_PORT);
  if (metricsPort !== undefined && metricsPort === port) {
    throw new ConfigError(
      "METRICS_PORT",
      `must differ from PORT (${port}): metrics stay off the public port`,
    );
  }
  const passwordMinLength = read(env, s.PASSWORD_MIN_LENGTH);
  const hashConcurrency = read(env, s.HASH_CONCURRENCY) ?? availableParallelism();
  const bootstrapAdminEmail = read(env, s.BOOTSTRAP_ADMIN_EMAIL);
  const bootstrapAdminPassword = read(env, s.BOOTSTRAP_ADMIN_PASSWORD);
  if (bootstrapAdminEmail === undefined && bootstrapAdminPassword !== undefined) {
    throw new ConfigError("BOOTSTRAP_ADMIN_EMAIL", "required when BOOTSTRAP_ADMIN_PASSWORD is set");
  }
  if (bootstrapAdminPassword === undefined && bootstrapAdminEmail !== undefined) {
    throw new ConfigError("BOOTSTRAP_ADMIN_PASSWORD", "required when BOOTSTRAP_ADMIN_EMAIL is set");
  }
  // The bootstrap admin gets no exemption from the policy every other account is held to.
  if (
    bootstrapAdminPassword !== undefined &&
    countPasswordLength(bootstrapAdminPassword) < passwordMinLength
  ) {
    throw new ConfigError(
      "BOOTSTRAP_ADMIN_PASSWORD",
      `must be at least PASSWORD_MIN_LENGTH (${passwordMinLength}) characters`,
    );
  }

  return Object.freeze({
    nodeEnv,
    port,
    host: read(env, s.HOST),
    databaseUrl: read(env, s.DATABASE_URL),
    dataDir: read(env, s.DATA_DIR),
    publicUrl,
    appUrl: read(env, s.APP_URL) ?? publicUrl,
    smtpUrl,
    mailFrom: read(env, s.MAIL_FROM),
    jwtSecret: read(env, s.JWT_SECRET),
    accessTokenAudience: read(env, s.ACCESS_TOKEN_AUDIENCE) ?? [publicUrl],
    accessTokenTtl: read(env, s.ACCESS_TOKEN_TTL),
    refreshTokenTtl: read(env, s.REFRESH_TOKEN_TTL),
    emailCodeTtl: read(env, s.EMAIL_CODE_TTL),
    resetTokenTtl: read(env, s.RESET_TOKEN_TTL),
    resendCooldown: read(env, s.RESEND_COOLDOWN),
    codeMaxAttempts: read(env, s.CODE_MAX_ATTEMPTS),
    requireEmailVerification: read(env, s.REQUIRE_EMAIL_VERIFICATION),
    passwordMinLength,
    bodyLimit: read(env, s.BODY_LIMIT),
    bootstrapAdminEmail,
    bootstrapAdminPassword,
    redisUrl: read(env, s.REDIS_URL),
    cookieSecure: read(env, s.COOKIE_SECURE),
    logLevel: read(env, s.LOG_LEVEL),
    argon2MemoryKib: read(env, s.ARGON2_MEMORY_KIB),
    argon2Iterations: read(env, s.ARGON2_ITERATIONS),
    hashConcurrency,
    hashQueueMax: read(env, s.HASH_QUEUE_MAX) ?? HASH_QUEUE_PER_SLOT * hashConcurrency,
    trustProxy: read(env, s.TRUST_PROXY),
    corsOrigins: Object.freeze(read(env, s.CORS_ORIGINS) ?? []),
    auditRetention: read(env, s.AUDIT_RETENTION),
    hibpEnabled: read(env, s.HIBP_ENABLED),
    hibpTimeoutMs: read(env, s.HIBP_TIMEOUT_MS),
    rateLimitEnabled: read(env, s.RATE_LIMIT_ENABLED),
    rateLimits: readRateLimits(env),
    mailMaxAttempts: read(env, s.MAIL_MAX_ATTEMPTS),
    mailPollInterval: read(env, s.MAIL_POLL_INTERVAL),
    mailLease: read(env, s.MAIL_LEASE),
    keyReloadInterval: read(env, s.KEY_RELOAD_INTERVAL),
    ...readTimeouts(env),
    shutdownTimeout: read(env, s.SHUTDOWN_TIMEOUT),
    metricsToken: read(env, s.METRICS_TOKEN),
    metricsPort,
    metricsHost: read(env, s.METRICS_HOST),
    pagesEnabled: read(env, s.PAGES_ENABLED),
    brandName: read(env, s.BRAND_NAME),
    brandColor: read(env, s.BRAND_COLOR),
    brandLogoUrl: read(env, s.BRAND_LOGO_URL),
  });
}

/** Node refuses to start a server whose header timeout exceeds its request timeout. */
function readTimeouts(env: Env): Pick<Config, "headersTimeoutMs" | "requestTimeoutMs"> {
  const headersTimeoutMs = read(env, ENV_SCHEMA.HEADERS_TIMEOUT);
  const requestTimeoutMs = read(env, ENV_SCHEMA.REQUEST_TIMEOUT);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError("HEADERS_TIMEOUT", "must not be longer than REQUEST_TIMEOUT");
  }
  return { headersTimeoutMs, requestTimeoutMs };
}

function readRateLimits(env: Env): Config["rateLimits"] {
  const entries = RATE_LIMIT_NAMES.map((name) => {
    const spec = RATE_LIMIT_SCHEMA[name];
    const raw = env[spec.name] || spec.fallback;
    const result = spec.parse(raw);
    if (!result.ok) throw new ConfigError(spec.name, result.error);
    return [name, Object.freeze(result.value)] as const;
  });
  return Object.freeze(Object.fromEntries(entries) as Record<RateLimitName, RateLimitRule>);
}
