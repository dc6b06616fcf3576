/** The validated, frozen configuration. Only src/config reads process.env. */
export interface Config {
  readonly nodeEnv: "development" | "production" | "test";
  readonly port: number;
  readonly host: string;
  /** `postgres://…`; undefined means the embedded PGlite database in `${dataDir}/db`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The service's own base URL, without a trailing slash. Issuer of access tokens. */
  readonly publicUrl: string;
  /** Base of the links in emails, without a trailing slash. */
  readonly appUrl: string;
  /** Undefined: mail is written to `${dataDir}/mail/*.eml`. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Set: access tokens are HS256 with it. Unset: Ed25519 keys kept in the database. */
  readonly jwtSecret: string | undefined;
  /** `aud` written into access tokens and required of them; default [publicUrl]. */
  readonly accessTokenAudience: readonly string[];
  /** Durations, all in seconds. */
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly emailCodeTtl: number;
  readonly resetTokenTtl: number;
  readonly resendCooldown: number;
  readonly codeMaxAttempts: number;
  readonly requireEmailVerification: boolean;
  readonly passwordMinLength: number;
  readonly bodyLimit: number;
  readonly bootstrapAdminEmail: string | undefined;
  readonly bootstrapAdminPassword: string | undefined;
  readonly redisUrl: string | undefined;
  readonly cookieSecure: boolean;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** argon2id cost; defaults are OWASP Password Storage Cheat Sheet's (m=19456 KiB, t=2, p=1). */
  readonly argon2MemoryKib: number;
  readonly argon2Iterations: number;
  /** Password hashes run at once; default: the cores (os.availableParallelism()). */
  readonly hashConcurrency: number;
  /** Hashes that may wait for a slot before requests are shed with 503; default 64 per core. */
  readonly hashQueueMax: number;
  /** Fastify's trustProxy: false, true, a hop count, or the proxies' addresses/CIDRs. */
  readonly trustProxy: boolean | number | string[];
  /** Origins allowed for CORS and for cookie-authenticated state changes. */
  readonly corsOrigins: readonly string[];
  readonly auditRetention: number;
  readonly hibpEnabled: boolean;
  readonly hibpTimeoutMs: number;
  readonly rateLimitEnabled: boolean;
  /** Delivery tries before an outbox message is marked dead. */
  readonly mailMaxAttempts: number;
  /** Seconds between outbox polls. */
  readonly mailPollInterval: number;
  /** Seconds a claimed message stays one worker's before another may retry it. */
  readonly mailLease: number;
  /** Seconds between re-reads of the signing keys (rotation on another instance). */
  readonly keyReloadInterval: number;
  /** Milliseconds a client has to send a request's headers, and the whole request. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Seconds SIGTERM waits for in-flight requests and mail before closing anyway. */
  readonly shutdownTimeout: number;
  /** Set: /metrics on the public port behind this Bearer token. */
  readonly metricsToken: string | undefined;
  /** Set: /metrics on its own server at metricsHost:metricsPort, off the public port. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  readonly rateLimits: Readonly<Record<RateLimitName, RateLimitRule>>;
  /** Hosted pages (/sign-in, /password/reset/:token …); false leaves them to the app. */
  readonly pagesEnabled: boolean;
  /** Product name on the pages and in mail. */
  readonly brandName: string;
  /** `#rrggbb`, lower case: buttons, links and focus rings of the pages. */
  readonly brandColor: string;
  /** Absolute URL of a logo shown on the pages; its origin is allowed by their CSP. */
  readonly brandLogoUrl: string | undefined;
}

/** `points` requests per `duration` seconds, counted per key. */
export interface RateLimitRule {
  readonly points: number;
  readonly duration: number;
}

export const RATE_LIMIT_NAMES = [
  "registerIp",
  "registerAccount",
  "loginIp",
  "loginFailuresAccountIp",
  "loginFailuresAccount",
  "verifyIp",
  "verifyAccount",
  "resendIp",
  "resendAccount",
  "forgotIp",
  "forgotAccount",
  "resetIp",
  "resetAccount",
] as const;

export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];
