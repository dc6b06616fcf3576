import type { EnvSchema } from "./env-schema.js";
import type { ConfigOf } from "./env-var.js";
import type { OAuthProviderConfig } from "./vars/oauth.js";
import type { RateLimitName, RateLimitRule } from "./vars/rate-limits.js";

export {
  RATE_LIMIT_NAMES,
  type RateLimitName,
  type RateLimitRule,
} from "./vars/rate-limits.js";

/** One field per variable, typed by its parser; `| undefined` where it has no default. */
export type DeclaredConfig = ConfigOf<EnvSchema[keyof EnvSchema]>;

/**
 * Fields the declarations cannot type alone. When their variable is unset, loadConfig
 * derives them from other values (publicUrl from PORT, hashQueueMax from hashConcurrency
 * ...), so they are never undefined; rateLimits gathers thirteen variables into one field;
 * the lists are frozen.
 */
interface DerivedConfig {
  /** Without a trailing slash; defaults to `http://localhost:${port}`. */
  readonly publicUrl: string;
  /** Without a trailing slash; defaults to publicUrl. */
  readonly appUrl: string;
  /** Defaults to [publicUrl]. */
  readonly accessTokenAudience: readonly string[];
  /** Defaults to the cores (os.availableParallelism()). */
  readonly hashConcurrency: number;
  /** Defaults to 64 per running hash. */
  readonly hashQueueMax: number;
  /** Defaults to none: same origin only. */
  readonly corsOrigins: readonly string[];
  /** Defaults to publicUrl's host. */
  readonly webauthnRpId: string;
  /** Defaults to brandName. */
  readonly webauthnRpName: string;
  /** Defaults to [publicUrl's origin]. */
  readonly webauthnOrigins: readonly string[];
  readonly rateLimits: Readonly<Record<RateLimitName, RateLimitRule>>;
  /** OAUTH_PROVIDERS, each with its OAUTH_<ID>_… settings, in the listed order. */
  readonly oauthProviders: readonly OAuthProviderConfig[];
  /** REDIRECT_ALLOWLIST with APP_URL first: where an app may be sent back to. */
  readonly redirectAllowlist: readonly string[];
}

/**
 * The validated, frozen configuration. Only src/config reads process.env. Durations are in
 * seconds, except the fields named `…Ms`; what each field means is in its declaration
 * (vars/<group>.ts) and the README.
 */
export type Config = Omit<DeclaredConfig, keyof DerivedConfig> & DerivedConfig;

/** What the domain reads of the configuration (src/domain/**: `deps.config.…`), and no more. */
export type DomainConfig = Pick<
  Config,
  | "appUrl"
  | "bootstrapAdminEmail"
  | "brandName"
  | "bootstrapAdminPassword"
  | "codeMaxAttempts"
  | "emailCodeTtl"
  | "mfaTokenTtl"
  | "oauthProviders"
  | "pagesEnabled"
  | "passwordMinLength"
  | "publicUrl"
  | "redirectAllowlist"
  | "refreshTokenTtl"
  | "requireEmailVerification"
  | "resendCooldown"
  | "resetTokenTtl"
  | "webauthnOrigins"
  | "webauthnRpId"
  | "webauthnRpName"
>;
