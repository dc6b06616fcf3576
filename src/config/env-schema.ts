import { type DocumentedVar, type EnvVar, GROUPS, schemaOf } from "./env-var.js";
import { ACCOUNT_VARS } from "./vars/accounts.js";
import { DATABASE_VARS } from "./vars/database.js";
import { MAIL_VARS } from "./vars/mail.js";
import { METRICS_VARS } from "./vars/metrics.js";
import { OAUTH_PROVIDER_DOCS, OAUTH_VARS } from "./vars/oauth.js";
import { PAGE_VARS } from "./vars/pages.js";
import { PASSKEY_VARS } from "./vars/passkeys.js";
import { PASSWORD_VARS } from "./vars/passwords.js";
import { RATE_LIMIT_SCHEMA, RATE_LIMIT_VARS } from "./vars/rate-limits.js";
import { TUNING_VARS, V8_FLAGS } from "./vars/runtime-tuning.js";
import { SECURITY_VARS } from "./vars/security.js";
import { SERVER_VARS } from "./vars/server.js";
import { TOKEN_VARS } from "./vars/tokens.js";
import { WEBHOOK_VARS } from "./vars/webhooks.js";

/**
 * Every environment variable Latchkey reads, gathered from vars/<group>.ts, where each is
 * declared once: loadConfig validates with it, Config's type is derived from it, and the
 * README's configuration table is generated from it, so the three cannot drift.
 */

export { RATE_LIMIT_SCHEMA } from "./vars/rate-limits.js";

const CONFIG_VARS = [
  ...SERVER_VARS,
  ...DATABASE_VARS,
  ...TOKEN_VARS,
  ...ACCOUNT_VARS,
  ...PASSWORD_VARS,
  ...MAIL_VARS,
  ...SECURITY_VARS,
  ...RATE_LIMIT_VARS,
  ...METRICS_VARS,
  ...PAGE_VARS,
  ...PASSKEY_VARS,
  ...OAUTH_VARS,
  ...WEBHOOK_VARS,
];

/** The variables that fill Config, one field each, by name. */
export const ENV_SCHEMA = schemaOf(CONFIG_VARS);
export type EnvSchema = typeof ENV_SCHEMA;

/**
 * The order the variables were added in, which config.test.ts pins; the README groups them
 * by `group` instead. A declared name missing here makes ENV_VARS fail to type-check.
 */
// biome-ignore format: a list of names
const ORDER = [
  "PORT", "HOST", "DATABASE_URL", "DATA_DIR", "PUBLIC_URL", "APP_URL", "SMTP_URL", "MAIL_FROM",
  "JWT_SECRET", "ACCESS_TOKEN_AUDIENCE", "ACCESS_TOKEN_TTL", "REFRESH_TOKEN_TTL", "EMAIL_CODE_TTL",
  "RESET_TOKEN_TTL", "RESEND_COOLDOWN", "CODE_MAX_ATTEMPTS", "REQUIRE_EMAIL_VERIFICATION",
  "PASSWORD_MIN_LENGTH", "BODY_LIMIT", "BOOTSTRAP_ADMIN_EMAIL", "BOOTSTRAP_ADMIN_PASSWORD",
  "REDIS_URL", "COOKIE_SECURE", "LOG_LEVEL", "NODE_ENV", "ARGON2_MEMORY_KIB", "ARGON2_ITERATIONS",
  "HASH_CONCURRENCY", "HASH_QUEUE_MAX", "TRUST_PROXY", "CORS_ORIGINS", "AUDIT_RETENTION",
  "HIBP_ENABLED", "HIBP_TIMEOUT_MS", "RATE_LIMIT_ENABLED", "MAIL_MAX_ATTEMPTS",
  "MAIL_POLL_INTERVAL", "MAIL_LEASE", "KEY_RELOAD_INTERVAL", "HEADERS_TIMEOUT", "REQUEST_TIMEOUT",
  "SHUTDOWN_TIMEOUT", "METRICS_TOKEN", "METRICS_PORT", "METRICS_HOST", "PAGES_ENABLED",
  "BRAND_NAME", "BRAND_COLOR", "BRAND_LOGO_URL", "ENCRYPTION_KEY", "MFA_TOKEN_TTL", "ADMIN_REQUIRE_MFA",
  "WEBAUTHN_RP_ID", "WEBAUTHN_RP_NAME", "WEBAUTHN_ORIGINS", "OAUTH_PROVIDERS", "REDIRECT_ALLOWLIST",
  "WEBHOOK_RETRY_FOR", "WEBHOOK_ALLOW_PRIVATE",
] as const satisfies readonly (keyof EnvSchema)[];

type Unordered = Exclude<keyof EnvSchema, (typeof ORDER)[number]>;

/** The variables that fill Config, as a list. */
export const ENV_VARS: [Unordered] extends [never] ? readonly EnvVar[] : Unordered = ORDER.map(
  (name) => ENV_SCHEMA[name],
);

const GROUP_ORDER = Object.keys(GROUPS);

/** Everything the README's configuration table shows, grouped as it shows it. */
export const DOCUMENTED_VARS: readonly DocumentedVar[] = [
  ...CONFIG_VARS,
  ...OAUTH_PROVIDER_DOCS,
  ...Object.values(RATE_LIMIT_SCHEMA),
  ...TUNING_VARS,
  ...V8_FLAGS,
].sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group));
