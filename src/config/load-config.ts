import { availableParallelism } from "node:os";
import type { Config, DeclaredConfig, RateLimitName, RateLimitRule } from "./config.js";
import { ENV_VARS, RATE_LIMIT_SCHEMA } from "./env-schema.js";
import type { ConfigOf, DefaultedEnvVar, EnvVar, OptionalEnvVar } from "./env-var.js";
import { countPasswordLength } from "./vars/accounts.js";
import { type OAuthProviderConfig, readProvider } from "./vars/oauth.js";
import { originFitsRpId } from "./vars/passkeys.js";
import { RATE_LIMIT_NAMES } from "./vars/rate-limits.js";
import { TUNING_VARS } from "./vars/runtime-tuning.js";

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

/** HASH_QUEUE_MAX's default, per running hash: see vars/passwords.ts. */
const HASH_QUEUE_PER_SLOT = 64;

type Env = Readonly<Record<string, string | undefined>>;

/** The first of the name and its aliases that is set; an empty string counts as unset. */
function lookup(env: Env, spec: EnvVar) {
  for (const source of [spec.name, ...spec.aliases]) {
    const raw = env[source];
    if (raw !== undefined && raw !== "") return { source, raw };
  }
  return undefined;
}

function read<T>(env: Env, spec: DefaultedEnvVar<T>): T;
function read<T>(env: Env, spec: OptionalEnvVar<T>): T | undefined;
function read<T>(env: Env, spec: EnvVar<T>): T | undefined;
function read<T>(env: Env, spec: EnvVar<T>): T | undefined {
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

/** Each variable into its field, in the list's order; the first bad one throws. */
function readAll<V extends EnvVar>(env: Env, vars: readonly V[]): ConfigOf<V> {
  return Object.fromEntries(vars.map((spec) => [spec.key, read(env, spec)])) as ConfigOf<V>;
}

/**
 * Validates the environment into a frozen Config, or throws a ConfigError naming the first
 * bad variable. Takes the environment as a parameter (main passes process.env) so nothing
 * else reads it and tests need no global state. Unknown variables are ignored.
 */
export function loadConfig(env: Env): Config {
  const declared = readAll(env, ENV_VARS) as DeclaredConfig;
  const { nodeEnv, port, smtpUrl, metricsPort, passwordMinLength } = declared;
  if (nodeEnv === "production" && smtpUrl === undefined) {
    throw new ConfigError(
      "SMTP_URL",
      "required when NODE_ENV=production; mail would only be written to a folder",
    );
  }
  if (metricsPort !== undefined && metricsPort === port) {
    throw new ConfigError(
      "METRICS_PORT",
      `must differ from PORT (${port}): metrics stay off the public port`,
    );
  }
  const { bootstrapAdminEmail, bootstrapAdminPassword } = declared;
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
  // Node refuses to start a server whose header timeout exceeds its request timeout.
  if (declared.headersTimeoutMs > declared.requestTimeoutMs) {
    throw new ConfigError("HEADERS_TIMEOUT", "must not be longer than REQUEST_TIMEOUT");
  }
  const rateLimits = readRateLimits(env);
  // Read here too so that a bad value stops the start with the others, not after listen.
  loadRuntimeTuning(env);

  const publicUrl = declared.publicUrl ?? `http://localhost:${port}`;
  const hashConcurrency = declared.hashConcurrency ?? availableParallelism();
  const webauthn = relyingParty(declared, publicUrl);
  const appUrl = declared.appUrl ?? publicUrl;
  return Object.freeze({
    ...declared,
    publicUrl,
    appUrl,
    accessTokenAudience: declared.accessTokenAudience ?? [publicUrl],
    hashConcurrency,
    hashQueueMax: declared.hashQueueMax ?? HASH_QUEUE_PER_SLOT * hashConcurrency,
    corsOrigins: Object.freeze(declared.corsOrigins ?? []),
    ...webauthn,
    rateLimits,
    oauthProviders: readProviders(env, declared.oauthProviders ?? []),
    redirectAllowlist: Object.freeze([appUrl, ...(declared.redirectAllowlist ?? [])]),
  });
}

function readProviders(env: Env, ids: readonly string[]): readonly OAuthProviderConfig[] {
  return Object.freeze(
    ids.map((id) => {
      const read = readProvider(env, id);
      if (!read.ok) throw new ConfigError(read.variable, read.error);
      return read.value;
    }),
  );
}

/**
 * Passkeys' relying party, by default PUBLIC_URL's host and origin. A page may use the
 * passkeys of its own host or a parent domain only (WebAuthn Level 3 §5.1.4.1 step 8), so an
 * origin outside the RP ID would fail every ceremony: refused at start, when either was set.
 */
function relyingParty(declared: DeclaredConfig, publicUrl: string) {
  const url = new URL(publicUrl);
  const webauthnRpId = declared.webauthnRpId ?? url.hostname;
  const webauthnOrigins = Object.freeze(declared.webauthnOrigins ?? [url.origin]);
  if (declared.webauthnRpId !== undefined || declared.webauthnOrigins !== undefined) {
    const stray = webauthnOrigins.find((origin) => !originFitsRpId(origin, webauthnRpId));
    if (stray !== undefined) {
      throw new ConfigError(
        declared.webauthnOrigins === undefined ? "WEBAUTHN_RP_ID" : "WEBAUTHN_ORIGINS",
        `origin ${stray} is not on ${webauthnRpId} or a subdomain of it`,
      );
    }
  }
  return {
    webauthnRpId,
    webauthnRpName: declared.webauthnRpName ?? declared.brandName,
    webauthnOrigins,
  };
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

export type RuntimeTuning = ConfigOf<(typeof TUNING_VARS)[number]>;

/** The process's own settings (vars/runtime-tuning.ts), which the application never sees. */
export function loadRuntimeTuning(env: Env): RuntimeTuning {
  return Object.freeze(readAll(env, TUNING_VARS));
}
