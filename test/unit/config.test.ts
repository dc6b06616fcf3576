import { generateKeyPairSync } from "node:crypto";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config.js";
import { parseDuration } from "../../src/config/duration.js";
import { ENV_SCHEMA, ENV_VARS } from "../../src/config/env-schema.js";
import { ConfigError, loadConfig } from "../../src/config/load-config.js";

const SECRET = "0123456789abcdef0123456789abcdef";
/** 32 bytes whose base64 holds + and / (and base64url - and _): both alphabets are tried. */
const pemOf = (key: ReturnType<typeof generateKeyPairSync>["privateKey"]) =>
  key.export({ format: "pem", type: "pkcs8" }).toString();
const APPLE_PEM = pemOf(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
const RSA_PEM = pemOf(generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey);
const APPLE = {
  OAUTH_PROVIDERS: "apple",
  OAUTH_APPLE_CLIENT_ID: "com.example.web",
  OAUTH_APPLE_TEAM_ID: "TEAM123456",
  OAUTH_APPLE_KEY_ID: "KEY1234567",
  OAUTH_APPLE_PRIVATE_KEY: APPLE_PEM,
};
const KEY = Buffer.from(`fbff${"00".repeat(28)}fbff`, "hex");

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("parseDuration", () => {
  it.each([
    ["90s", 90],
    ["15m", 900],
    ["24h", 86_400],
    ["30d", 2_592_000],
    ["3600", 3600],
    ["0", 0],
    ["0s", 0],
  ])("reads %j as %i seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  // Empty, blanks, signs, decimals, exponents, inner or outer spaces, unknown or upper-case
  // units, and a number too large to be exact.
  it.each([
    ...["", " ", "15x", "1w", "-5", "-5m", "+5", "1.5h", "1e3", "15 m", " 15m", "15m ", "15M"],
    ...["m", "99999999999999999999d"],
  ])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("loadConfig defaults", () => {
  it("fills every field from an empty environment", () => {
    const expected: Config = {
      nodeEnv: "development",
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      dataDir: resolve("./data"),
      publicUrl: "http://localhost:3000",
      appUrl: "http://localhost:3000",
      smtpUrl: undefined,
      mailFrom: "no-reply@localhost",
      jwtSecret: undefined,
      accessTokenAudience: ["http://localhost:3000"],
      accessTokenTtl: 900,
      refreshTokenTtl: 2_592_000,
      emailCodeTtl: 600,
      resetTokenTtl: 900,
      resendCooldown: 60,
      codeMaxAttempts: 5,
      requireEmailVerification: true,
      passwordMinLength: 8,
      bodyLimit: 1_048_576,
      bootstrapAdminEmail: undefined,
      bootstrapAdminPassword: undefined,
      redisUrl: undefined,
      cookieSecure: true,
      logLevel: "info",
      argon2MemoryKib: 19_456,
      argon2Iterations: 2,
      hashConcurrency: availableParallelism(),
      hashQueueMax: 64 * availableParallelism(),
      trustProxy: false,
      corsOrigins: [],
      auditRetention: 7_776_000,
      hibpEnabled: false,
      hibpTimeoutMs: 1500,
      rateLimitEnabled: true,
      mailMaxAttempts: 8,
      mailPollInterval: 1,
      mailLease: 60,
      keyReloadInterval: 30,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      shutdownTimeout: 10,
      metricsToken: undefined,
      metricsPort: undefined,
      metricsHost: "127.0.0.1",
      pagesEnabled: true,
      brandName: "Latchkey",
      brandColor: "#1f6feb",
      brandLogoUrl: undefined,
      encryptionKey: undefined,
      mfaTokenTtl: 300,
      adminRequireMfa: false,
      webauthnRpId: "localhost",
      webauthnRpName: "Latchkey",
      webauthnOrigins: ["http://localhost:3000"],
      oauthProviders: [],
      redirectAllowlist: ["http://localhost:3000"],
      webhookRetryFor: 86400,
      webhookAllowPrivate: false,
      rateLimits: {
        registerIp: { points: 20, duration: 3600 },
        registerAccount: { points: 5, duration: 3600 },
        loginIp: { points: 60, duration: 60 },
        loginFailuresAccountIp: { points: 5, duration: 900 },
        loginFailuresAccount: { points: 20, duration: 86_400 },
        verifyIp: { points: 20, duration: 600 },
        verifyAccount: { points: 10, duration: 600 },
        resendIp: { points: 10, duration: 3600 },
        resendAccount: { points: 5, duration: 3600 },
        forgotIp: { points: 10, duration: 3600 },
        forgotAccount: { points: 5, duration: 3600 },
        resetIp: { points: 20, duration: 900 },
        resetAccount: { points: 10, duration: 900 },
      },
    };
    expect(loadConfig({})).toEqual(expected);
  });

  it("returns a frozen object", () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it("treats empty strings as unset and ignores unknown variables", () => {
    expect(loadConfig({ PORT: "", LOG_LEVEL: "", PATH: "/usr/bin", FOO: "x" })).toEqual(
      loadConfig({}),
    );
  });

  it("derives PUBLIC_URL from PORT and APP_URL from PUBLIC_URL", () => {
    const config = loadConfig({ PORT: "8080" });
    expect(config.publicUrl).toBe("http://localhost:8080");
    expect(loadConfig({ PUBLIC_URL: "https://auth.example.com/" }).appUrl).toBe(
      "https://auth.example.com",
    );
  });

  it("resolves DATA_DIR to an absolute path", () => {
    expect(loadConfig({ DATA_DIR: "var/latchkey" }).dataDir).toBe(resolve("var/latchkey"));
  });
});

describe("loadConfig accepted values", () => {
  it.each([
    ["ACCESS_TOKEN_TTL", "accessTokenTtl", "90s", 90],
    ["REFRESH_TOKEN_TTL", "refreshTokenTtl", "24h", 86_400],
    ["EMAIL_CODE_TTL", "emailCodeTtl", "15m", 900],
    ["RESET_TOKEN_TTL", "resetTokenTtl", "3600", 3600],
    ["RESEND_COOLDOWN", "resendCooldown", "30d", 2_592_000],
    ["RESEND_COOLDOWN", "resendCooldown", "0", 0],
  ] as const)("%s=%s", (name, key, raw, seconds) => {
    expect(loadConfig({ [name]: raw })[key]).toBe(seconds);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["Yes", true],
    ["false", false],
    ["False", false],
    ["0", false],
    ["NO", false],
  ])("reads the boolean %j", (raw, value) => {
    const config = loadConfig({ REQUIRE_EMAIL_VERIFICATION: raw, COOKIE_SECURE: raw });
    expect(config.requireEmailVerification).toBe(value);
    expect(config.cookieSecure).toBe(value);
  });

  it("accepts the edges of each range", () => {
    expect(loadConfig({ PORT: "0" }).port).toBe(0);
    expect(loadConfig({ PORT: "65535" }).port).toBe(65_535);
    expect(loadConfig({ CODE_MAX_ATTEMPTS: "1" }).codeMaxAttempts).toBe(1);
    expect(loadConfig({ CODE_MAX_ATTEMPTS: "100" }).codeMaxAttempts).toBe(100);
    expect(loadConfig({ PASSWORD_MIN_LENGTH: "256" }).passwordMinLength).toBe(256);
    expect(loadConfig({ BODY_LIMIT: "1024" }).bodyLimit).toBe(1024);
    expect(loadConfig({ ARGON2_MEMORY_KIB: "65536" }).argon2MemoryKib).toBe(65_536);
    expect(loadConfig({ ARGON2_ITERATIONS: "3" }).argon2Iterations).toBe(3);
    expect(loadConfig({ HASH_CONCURRENCY: "1" }).hashConcurrency).toBe(1);
    expect(loadConfig({ HASH_QUEUE_MAX: "0" }).hashQueueMax).toBe(0);
  });

  it("derives the hash queue from the hash concurrency unless it is set", () => {
    expect(loadConfig({ HASH_CONCURRENCY: "3" })).toMatchObject({
      hashConcurrency: 3,
      hashQueueMax: 192,
    });
    expect(loadConfig({ HASH_CONCURRENCY: "3", HASH_QUEUE_MAX: "10" }).hashQueueMax).toBe(10);
  });

  it("keeps URLs of the right schemes", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://u:p@db:5432/latchkey",
      REDIS_URL: "rediss://cache:6380",
      SMTP_URL: "smtps://u:p@mail.example.com:465",
      PUBLIC_URL: "https://auth.example.com/base//",
    });
    expect(config.databaseUrl).toBe("postgresql://u:p@db:5432/latchkey");
    expect(config.redisUrl).toBe("rediss://cache:6380");
    expect(config.smtpUrl).toBe("smtps://u:p@mail.example.com:465");
    expect(config.publicUrl).toBe("https://auth.example.com/base");
    expect(loadConfig({ APP_URL: "HTTPS://App.Example.com:443/?" }).appUrl).toBe(
      "https://app.example.com",
    );
    expect(loadConfig({ DATABASE_URL: "postgres://db/x", REDIS_URL: "redis://r" })).toMatchObject({
      databaseUrl: "postgres://db/x",
      redisUrl: "redis://r",
    });
  });

  it.each([
    "auth@example.com",
    "Latchkey <auth@example.com>",
    '"Latchkey, Inc." <auth@example.com>',
  ])("accepts MAIL_FROM %j", (raw) => {
    expect(loadConfig({ MAIL_FROM: raw }).mailFrom).toBe(raw);
  });

  it("trims and lowercases the bootstrap admin email", () => {
    const config = loadConfig({
      BOOTSTRAP_ADMIN_EMAIL: "  Admin@Example.COM ",
      BOOTSTRAP_ADMIN_PASSWORD: "correct horse battery",
    });
    expect(config.bootstrapAdminEmail).toBe("admin@example.com");
    expect(config.bootstrapAdminPassword).toBe("correct horse battery");
  });

  it.each([
    ["64 hex characters", KEY.toString("hex")],
    ["upper-case hex", KEY.toString("hex").toUpperCase()],
    ["base64, padded", KEY.toString("base64")],
    ["base64url, unpadded", KEY.toString("base64url")],
    ["with a trailing newline", `${KEY.toString("hex")}\n`],
  ])("takes ENCRYPTION_KEY as %s", (_form, raw) => {
    expect(loadConfig({ ENCRYPTION_KEY: raw }).encryptionKey).toBe(raw.trim());
  });

  it("starts in production when SMTP_URL is set", () => {
    const config = loadConfig({ NODE_ENV: "production", SMTP_URL: "smtp://mail:587" });
    expect(config.nodeEnv).toBe("production");
  });
});

describe("aliases", () => {
  it.each([
    ["APP_URL", "DASHBOARD_URL", "https://app.example.com", "appUrl", "https://app.example.com"],
    ["MAIL_FROM", "ADMIN_EMAIL", "ops@example.com", "mailFrom", "ops@example.com"],
    ["JWT_SECRET", "SECRET_KEY", SECRET, "jwtSecret", SECRET],
  ] as const)("%s can be set as %s", (name, alias, raw, key, value) => {
    expect(loadConfig({ [alias]: raw })[key]).toBe(value);
    // An empty main name counts as unset, so the alias still applies.
    expect(loadConfig({ [name]: "", [alias]: raw })[key]).toBe(value);
  });

  it.each([
    ["APP_URL", "DASHBOARD_URL", "https://main.example.com", "https://alias.example.com", "appUrl"],
    ["MAIL_FROM", "ADMIN_EMAIL", "main@example.com", "alias@example.com", "mailFrom"],
    ["JWT_SECRET", "SECRET_KEY", SECRET, `${SECRET}-alias`, "jwtSecret"],
  ] as const)("%s beats %s", (name, alias, main, other, key) => {
    expect(loadConfig({ [name]: main, [alias]: other })[key]).toBe(main);
    // The losing alias is not even validated.
    expect(loadConfig({ [name]: main, [alias]: "!" })[key]).toBe(main);
  });

  it("names the alias the operator used in its error", () => {
    expect(configError({ DASHBOARD_URL: "nope" }).message).toMatch(
      /^DASHBOARD_URL \(alias of APP_URL\): /,
    );
    expect(configError({ SECRET_KEY: "short" }).message).toMatch(/^SECRET_KEY \(alias of /);
    expect(configError({ ADMIN_EMAIL: "nope" }).variable).toBe("ADMIN_EMAIL (alias of MAIL_FROM)");
  });
});

describe("loadConfig errors", () => {
  const DURATION_HINT = "is not a duration (use 90s, 15m, 24h, 30d or seconds)";
  const TTLS = ["ACCESS_TOKEN_TTL", "REFRESH_TOKEN_TTL", "EMAIL_CODE_TTL", "RESET_TOKEN_TTL"];
  const cases: [string, Record<string, string>, string][] = [
    ["PORT", { PORT: "abc" }, "is not a whole number"],
    ["PORT", { PORT: "-1" }, "is not a whole number"],
    ["PORT", { PORT: "80.5" }, "is not a whole number"],
    ["PORT", { PORT: "65536" }, "above the maximum of 65535"],
    ["HOST", { HOST: "   " }, "must not be blank"],
    ["DATA_DIR", { DATA_DIR: " " }, "must not be blank"],
    ["DATABASE_URL", { DATABASE_URL: "mysql://u:pw@h/db" }, 'scheme "mysql"'],
    ["DATABASE_URL", { DATABASE_URL: "localhost:5432" }, "postgres:// or postgresql://"],
    ["REDIS_URL", { REDIS_URL: "http://cache" }, "redis:// or rediss://"],
    ["SMTP_URL", { SMTP_URL: "http://mail" }, "smtp:// or smtps://"],
    ["SMTP_URL", { SMTP_URL: "smtp://" }, "has no host"],
    ["PUBLIC_URL", { PUBLIC_URL: "ftp://example.com" }, "not an absolute http"],
    ["PUBLIC_URL", { PUBLIC_URL: "example.com" }, "not an absolute http"],
    ["PUBLIC_URL", { PUBLIC_URL: "https://x.com/?a=1" }, "?query or #fragment"],
    ["PUBLIC_URL", { PUBLIC_URL: "https://u:p@x.com" }, "credentials"],
    ["APP_URL", { APP_URL: "/relative" }, "not an absolute http"],
    ["MAIL_FROM", { MAIL_FROM: "not-an-address" }, "is not an address"],
    ["MAIL_FROM", { MAIL_FROM: "a@b.c\r\nBcc: x@y.z" }, "line breaks"],
    ["MAIL_FROM", { MAIL_FROM: "Foo, Bar <a@b.c>" }, "is not an address"],
    ["MAIL_FROM", { MAIL_FROM: "Foo <>" }, "is not an address"],
    ["JWT_SECRET", { JWT_SECRET: "x".repeat(31) }, "at least 32 characters"],
    ["MFA_TOKEN_TTL", { MFA_TOKEN_TTL: "0" }, "must be longer than zero"],
    ["MFA_TOKEN_TTL", { MFA_TOKEN_TTL: "soon" }, "is not a duration"],
    ["ADMIN_REQUIRE_MFA", { ADMIN_REQUIRE_MFA: "maybe" }, "is not a boolean"],
    ["WEBAUTHN_RP_ID", { WEBAUTHN_RP_ID: "https://example.com" }, "not a domain name"],
    ["WEBAUTHN_RP_ID", { WEBAUTHN_RP_ID: "10.0.0.1" }, "not a domain name"],
    ["WEBAUTHN_RP_ID", { WEBAUTHN_RP_ID: "example.com" }, "http://localhost:3000 is not on"],
    ["WEBAUTHN_RP_NAME", { WEBAUTHN_RP_NAME: "a\nb" }, "control characters"],
    ["WEBAUTHN_ORIGINS", { WEBAUTHN_ORIGINS: "http://app.example.com" }, "must be https://"],
    ["WEBAUTHN_ORIGINS", { WEBAUTHN_ORIGINS: "https://x.com/path" }, "is not an origin"],
    ["WEBAUTHN_ORIGINS", { WEBAUTHN_ORIGINS: " , " }, "at least one origin"],
    [
      "WEBAUTHN_ORIGINS",
      { WEBAUTHN_RP_ID: "example.com", WEBAUTHN_ORIGINS: "https://example.org" },
      "https://example.org is not on example.com",
    ],
    ["OAUTH_PROVIDERS", { OAUTH_PROVIDERS: "google,my-idp" }, "is not a provider id"],
    ["OAUTH_PROVIDERS", { OAUTH_PROVIDERS: "google, Google" }, "lists a provider twice"],
    ["OAUTH_GOOGLE_CLIENT_ID", { OAUTH_PROVIDERS: "google" }, "required because OAUTH_PROVIDERS"],
    [
      "OAUTH_ACME_ISSUER",
      { OAUTH_PROVIDERS: "acme", OAUTH_ACME_CLIENT_ID: "x" },
      "required for acme",
    ],
    [
      "OAUTH_ACME_ISSUER",
      { OAUTH_PROVIDERS: "acme", OAUTH_ACME_CLIENT_ID: "x", OAUTH_ACME_ISSUER: "http://idp.test" },
      "http:// only on localhost",
    ],
    [
      "OAUTH_MICROSOFT_ISSUER",
      { OAUTH_PROVIDERS: "microsoft", OAUTH_MICROSOFT_CLIENT_ID: "x" },
      "required for microsoft: your tenant's issuer, https://login.microsoftonline.com/<tenant id>/v2.0",
    ],
    ...["common", "organizations", "consumers"].map(
      (tenant): [string, Record<string, string>, string] => [
        "OAUTH_MICROSOFT_ISSUER",
        {
          OAUTH_PROVIDERS: "microsoft",
          OAUTH_MICROSOFT_CLIENT_ID: "x",
          OAUTH_MICROSOFT_ISSUER: `https://login.microsoftonline.com/${tenant}/v2.0`,
        },
        `names no tenant (${tenant})`,
      ],
    ),
    ["OAUTH_APPLE_TEAM_ID", { ...APPLE, OAUTH_APPLE_TEAM_ID: "" }, "required for apple"],
    ["OAUTH_APPLE_TEAM_ID", { ...APPLE, OAUTH_APPLE_TEAM_ID: "team" }, "10-character id"],
    ["OAUTH_APPLE_KEY_ID", { ...APPLE, OAUTH_APPLE_KEY_ID: "" }, "required for apple"],
    ["OAUTH_APPLE_PRIVATE_KEY", { ...APPLE, OAUTH_APPLE_PRIVATE_KEY: "" }, "required for apple"],
    ["OAUTH_APPLE_PRIVATE_KEY", { ...APPLE, OAUTH_APPLE_PRIVATE_KEY: RSA_PEM }, "EC P-256"],
    ["OAUTH_APPLE_PRIVATE_KEY", { ...APPLE, OAUTH_APPLE_PRIVATE_KEY: "hunter2" }, "EC P-256"],
    ["OAUTH_APPLE_CLIENT_SECRET", { ...APPLE, OAUTH_APPLE_CLIENT_SECRET: "s" }, "mints Apple's"],
    [
      "OAUTH_GOOGLE_TRUST_EMAIL",
      { OAUTH_PROVIDERS: "google", OAUTH_GOOGLE_CLIENT_ID: "x", OAUTH_GOOGLE_TRUST_EMAIL: "sure" },
      "is not a boolean",
    ],
    [
      "OAUTH_GOOGLE_SCOPES",
      { OAUTH_PROVIDERS: "google", OAUTH_GOOGLE_CLIENT_ID: "x", OAUTH_GOOGLE_SCOPES: "email" },
      "must include openid",
    ],
    ["REDIRECT_ALLOWLIST", { REDIRECT_ALLOWLIST: "app.example.com" }, "not an absolute"],
    [
      "REDIRECT_ALLOWLIST",
      { REDIRECT_ALLOWLIST: "https://a@app.example.com" },
      "without credentials",
    ],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: "ab".repeat(31) }, "is 31 bytes of hex; must be 32 bytes"],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: "ab".repeat(33) }, "is 33 bytes of hex"],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: KEY.subarray(1).toString("base64") }, "not decode to 32"],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: `${KEY.toString("base64url")}AAAA` }, "not decode to 32"],
    [
      "ENCRYPTION_KEY",
      { ENCRYPTION_KEY: "correct horse battery staple" },
      "neither hex nor base64",
    ],
    ["ENCRYPTION_KEY", { ENCRYPTION_KEY: `${"ab".repeat(31)}zz` }, "not decode to 32"],
    ["REQUIRE_EMAIL_VERIFICATION", { REQUIRE_EMAIL_VERIFICATION: "maybe" }, "not a boolean"],
    ["COOKIE_SECURE", { COOKIE_SECURE: "on" }, "not a boolean"],
    ...TTLS.map((name): [string, Record<string, string>, string] => [
      name,
      { [name]: "15x" },
      DURATION_HINT,
    ]),
    ...TTLS.map((name): [string, Record<string, string>, string] => [
      name,
      { [name]: "0m" },
      "must be longer than zero",
    ]),
    ["ACCESS_TOKEN_TTL", { ACCESS_TOKEN_TTL: "1w" }, DURATION_HINT],
    ["REFRESH_TOKEN_TTL", { REFRESH_TOKEN_TTL: "1.5d" }, DURATION_HINT],
    ["RESEND_COOLDOWN", { RESEND_COOLDOWN: "-1" }, DURATION_HINT],
    ["CODE_MAX_ATTEMPTS", { CODE_MAX_ATTEMPTS: "0" }, "below the minimum of 1"],
    ["CODE_MAX_ATTEMPTS", { CODE_MAX_ATTEMPTS: "101" }, "above the maximum of 100"],
    ["CODE_MAX_ATTEMPTS", { CODE_MAX_ATTEMPTS: "five" }, "is not a whole number"],
    ["PASSWORD_MIN_LENGTH", { PASSWORD_MIN_LENGTH: "7" }, "NIST SP 800-63B"],
    ["PASSWORD_MIN_LENGTH", { PASSWORD_MIN_LENGTH: "257" }, "above the maximum of 256"],
    ["BODY_LIMIT", { BODY_LIMIT: "1023" }, "below the minimum of 1024"],
    ["BODY_LIMIT", { BODY_LIMIT: "1mb" }, "is not a whole number"],
    ["ARGON2_MEMORY_KIB", { ARGON2_MEMORY_KIB: "19455" }, "below the minimum of 19456"],
    ["ARGON2_ITERATIONS", { ARGON2_ITERATIONS: "1" }, "below the minimum of 2"],
    ["HASH_CONCURRENCY", { HASH_CONCURRENCY: "0" }, "below the minimum of 1"],
    ["HASH_CONCURRENCY", { HASH_CONCURRENCY: "all" }, "is not a whole number"],
    ["HASH_QUEUE_MAX", { HASH_QUEUE_MAX: "-1" }, "is not a whole number"],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }, "is not one of fatal, error"],
    ["LOG_LEVEL", { LOG_LEVEL: "info\nevil" }, "is not one of"],
    ["NODE_ENV", { NODE_ENV: "staging" }, "is not one of development, production, test"],
    ["BOOTSTRAP_ADMIN_PASSWORD", { BOOTSTRAP_ADMIN_EMAIL: "a@example.com" }, "required when"],
    ["BOOTSTRAP_ADMIN_EMAIL", { BOOTSTRAP_ADMIN_PASSWORD: "long enough pw" }, "required when"],
    [
      "BOOTSTRAP_ADMIN_EMAIL",
      { BOOTSTRAP_ADMIN_EMAIL: "admin@localhost", BOOTSTRAP_ADMIN_PASSWORD: "long enough" },
      "not a valid address",
    ],
    [
      "BOOTSTRAP_ADMIN_PASSWORD",
      { BOOTSTRAP_ADMIN_EMAIL: "a@example.com", BOOTSTRAP_ADMIN_PASSWORD: "short" },
      "at least PASSWORD_MIN_LENGTH (8)",
    ],
    [
      "BOOTSTRAP_ADMIN_PASSWORD",
      { BOOTSTRAP_ADMIN_EMAIL: "a@example.com", BOOTSTRAP_ADMIN_PASSWORD: "p".repeat(257) },
      "at most 256",
    ],
    ["SMTP_URL", { NODE_ENV: "production" }, "required when NODE_ENV=production"],
  ];

  it.each(cases)("%s: %j", (name, env, fragment) => {
    const error = configError(env);
    expect(error.message.startsWith(`${name}: `)).toBe(true);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message).toContain(fragment);
    expect(error.variable).toBe(name);
    expect(error.name).toBe("ConfigError");
  });

  it("says exactly what is wrong with a duration", () => {
    expect(configError({ ACCESS_TOKEN_TTL: "15x" }).message).toBe(
      'ACCESS_TOKEN_TTL: "15x" is not a duration (use 90s, 15m, 24h, 30d or seconds)',
    );
  });

  it("refuses production without SMTP_URL in the words operators will search for", () => {
    expect(configError({ NODE_ENV: "production" }).message).toBe(
      "SMTP_URL: required when NODE_ENV=production; mail would only be written to a folder",
    );
  });

  it("never echoes a secret", () => {
    expect(configError({ JWT_SECRET: "hunter2hunter2" }).message).not.toContain("hunter2");
    expect(configError({ ENCRYPTION_KEY: "hunter2hunter2" }).message).not.toContain("hunter2");
    const appleKey = configError({ ...APPLE, OAUTH_APPLE_PRIVATE_KEY: RSA_PEM }).message;
    expect(appleKey).not.toContain(RSA_PEM.split("\n")[1]);
    expect(configError({ ENCRYPTION_KEY: "a1".repeat(20) }).message).not.toContain("a1a1");
    expect(configError({ DATABASE_URL: "mysql://u:pw-xyz@h/db" }).message).not.toContain("pw-xyz");
    expect(configError({ SMTP_URL: "smtp://u:pw-xyz@" }).message).not.toContain("pw-xyz");
    expect(configError({ REDIS_URL: "http://:pw-xyz@h" }).message).not.toContain("pw-xyz");
    expect(
      configError({ BOOTSTRAP_ADMIN_EMAIL: "a@example.com", BOOTSTRAP_ADMIN_PASSWORD: "pw-xyz" })
        .message,
    ).not.toContain("pw-xyz");
  });
});

describe("ENV_SCHEMA", () => {
  it("lists every documented variable once", () => {
    const documented = (
      "PORT HOST DATABASE_URL DATA_DIR PUBLIC_URL APP_URL SMTP_URL MAIL_FROM JWT_SECRET " +
      "ACCESS_TOKEN_AUDIENCE ACCESS_TOKEN_TTL REFRESH_TOKEN_TTL EMAIL_CODE_TTL RESET_TOKEN_TTL " +
      "RESEND_COOLDOWN CODE_MAX_ATTEMPTS REQUIRE_EMAIL_VERIFICATION PASSWORD_MIN_LENGTH " +
      "BODY_LIMIT BOOTSTRAP_ADMIN_EMAIL BOOTSTRAP_ADMIN_PASSWORD REDIS_URL " +
      "COOKIE_SECURE LOG_LEVEL NODE_ENV ARGON2_MEMORY_KIB ARGON2_ITERATIONS " +
      "HASH_CONCURRENCY HASH_QUEUE_MAX " +
      "TRUST_PROXY CORS_ORIGINS AUDIT_RETENTION HIBP_ENABLED HIBP_TIMEOUT_MS RATE_LIMIT_ENABLED " +
      "MAIL_MAX_ATTEMPTS MAIL_POLL_INTERVAL MAIL_LEASE KEY_RELOAD_INTERVAL HEADERS_TIMEOUT REQUEST_TIMEOUT SHUTDOWN_TIMEOUT METRICS_TOKEN METRICS_PORT METRICS_HOST " +
      "PAGES_ENABLED BRAND_NAME BRAND_COLOR BRAND_LOGO_URL ENCRYPTION_KEY MFA_TOKEN_TTL " +
      "ADMIN_REQUIRE_MFA WEBAUTHN_RP_ID WEBAUTHN_RP_NAME WEBAUTHN_ORIGINS OAUTH_PROVIDERS " +
      "REDIRECT_ALLOWLIST WEBHOOK_RETRY_FOR WEBHOOK_ALLOW_PRIVATE"
    ).split(" ");
    expect(ENV_VARS.map((spec) => spec.name)).toEqual(documented);
    const allNames = ENV_VARS.flatMap((spec) => [spec.name, ...spec.aliases]);
    expect(new Set(allNames).size).toBe(allNames.length);
  });

  it("fills every Config field from exactly one variable", () => {
    const keys = ENV_VARS.map((spec) => spec.key).sort();
    expect(new Set(keys).size).toBe(keys.length);
    // rateLimits is filled from RATE_LIMIT_SCHEMA, one variable per limit.
    expect(
      Object.keys(loadConfig({}))
        .filter((key) => key !== "rateLimits")
        .sort(),
    ).toEqual(keys);
  });

  it.each(ENV_VARS.map((spec) => [spec.name, spec] as const))(
    "%s has a name matching its entry, a description, a default and a parser",
    (name, spec) => {
      expect(ENV_SCHEMA[name as keyof typeof ENV_SCHEMA]).toBe(spec);
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.description).not.toMatch(/\n/);
      expect(spec.default.length).toBeGreaterThan(0);
      expect(typeof spec.parse).toBe("function");
      if (spec.fallback !== undefined) {
        // A documented default is the value itself, and it passes its own parser.
        expect(spec.default).toBe(spec.fallback);
        expect(spec.parse(spec.fallback).ok).toBe(true);
      }
    },
  );
});

describe("security settings", () => {
  it("parses TRUST_PROXY forms", () => {
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
    // One proxy, not "trust every hop" (issue 13 item 8).
    expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "0" }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8, 127.0.0.1" }).trustProxy).toEqual([
      "10.0.0.0/8",
      "127.0.0.1",
    ]);
    expect(() => loadConfig({ TRUST_PROXY: "everyone" })).toThrow(/^TRUST_PROXY: /);
  });

  it("derives the passkeys' relying party from PUBLIC_URL and BRAND_NAME, or takes it as set", () => {
    const derived = loadConfig({ PUBLIC_URL: "https://auth.example.com/base", BRAND_NAME: "Acme" });
    expect(derived.webauthnRpId).toBe("auth.example.com");
    expect(derived.webauthnRpName).toBe("Acme");
    expect(derived.webauthnOrigins).toEqual(["https://auth.example.com"]);
    const set = loadConfig({
      WEBAUTHN_RP_ID: "Example.com",
      WEBAUTHN_RP_NAME: "Acme sign-in",
      WEBAUTHN_ORIGINS: "https://example.com, https://app.example.com/",
    });
    expect(set.webauthnRpId).toBe("example.com");
    expect(set.webauthnRpName).toBe("Acme sign-in");
    expect(set.webauthnOrigins).toEqual(["https://example.com", "https://app.example.com"]);
    // A PUBLIC_URL on an IP address still starts: passkeys simply cannot work there.
    expect(loadConfig({ PUBLIC_URL: "http://10.0.0.1:3000" }).webauthnRpId).toBe("10.0.0.1");
  });

  it("parses CORS_ORIGINS as origins", () => {
    expect(
      loadConfig({ CORS_ORIGINS: "https://app.example.com, http://localhost:5173" }).corsOrigins,
    ).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(() => loadConfig({ CORS_ORIGINS: "https://app.example.com/path" })).toThrow(
      /^CORS_ORIGINS: /,
    );
    expect(() => loadConfig({ CORS_ORIGINS: "*" })).toThrow(/^CORS_ORIGINS: /);
  });

  it("parses rate limits as N/duration and names the variable when wrong", () => {
    expect(loadConfig({ RATE_LIMIT_LOGIN_IP: "100/30s" }).rateLimits.loginIp).toEqual({
      points: 100,
      duration: 30,
    });
    for (const bad of ["100", "0/1m", "10/0s", "ten/1m", "10/1w"]) {
      expect(() => loadConfig({ RATE_LIMIT_LOGIN_IP: bad })).toThrow(/^RATE_LIMIT_LOGIN_IP: /);
    }
  });

  it("keeps the metrics port off the public one", () => {
    expect(() => loadConfig({ PORT: "3000", METRICS_PORT: "3000" })).toThrow(/^METRICS_PORT: /);
    expect(loadConfig({ METRICS_PORT: "9464" }).metricsPort).toBe(9464);
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(/^METRICS_TOKEN: /);
  });

  it("parses the HIBP settings within bounds", () => {
    expect(loadConfig({ HIBP_ENABLED: "true" }).hibpEnabled).toBe(true);
    expect(() => loadConfig({ HIBP_TIMEOUT_MS: "5" })).toThrow(/^HIBP_TIMEOUT_MS: /);
  });

  it("takes Apple's team, key id and .p8 key (line breaks as \\n too); it answers by form_post", () => {
    const oneLine = { ...APPLE, OAUTH_APPLE_PRIVATE_KEY: APPLE_PEM.trim().replaceAll("\n", "\\n") };
    for (const env of [APPLE, oneLine]) {
      expect(loadConfig(env).oauthProviders[0]).toMatchObject({
        id: "apple",
        issuer: "https://appleid.apple.com",
        clientSecret: undefined,
        responseMode: "form_post",
        appleSigning: { teamId: "TEAM123456", keyId: "KEY1234567", privateKey: APPLE_PEM.trim() },
      });
    }
    const google = loadConfig({ OAUTH_PROVIDERS: "google", OAUTH_GOOGLE_CLIENT_ID: "x" });
    expect(google.oauthProviders[0]).toMatchObject({ responseMode: "query", appleSigning: null });
  });

  it("takes Microsoft with its tenant's issuer, the one discovery can check", () => {
    const issuer = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";
    const config = loadConfig({
      OAUTH_PROVIDERS: "microsoft",
      OAUTH_MICROSOFT_CLIENT_ID: "x",
      OAUTH_MICROSOFT_ISSUER: issuer,
    });
    expect(config.oauthProviders[0]).toMatchObject({ id: "microsoft", issuer, trustEmail: false });
  });
});

describe("hosted pages settings", () => {
  it("reads PAGES_ENABLED and the brand", () => {
    const config = loadConfig({
      PAGES_ENABLED: "false",
      BRAND_NAME: "  Acme Sign-in ",
      BRAND_COLOR: "#C0FFEE",
      BRAND_LOGO_URL: "https://cdn.example.com/logo.svg",
    });
    expect(config.pagesEnabled).toBe(false);
    expect(config.brandName).toBe("Acme Sign-in");
    expect(config.brandColor).toBe("#c0ffee");
    expect(config.brandLogoUrl).toBe("https://cdn.example.com/logo.svg");
    expect(loadConfig({ BRAND_COLOR: "#36c" }).brandColor).toBe("#3366cc");
  });

  it.each([
    ["BRAND_COLOR", "red"],
    ["BRAND_COLOR", "#12345"],
    ["BRAND_COLOR", "#123456;}body{display:none"],
    ["BRAND_LOGO_URL", "/logo.png"],
    ["BRAND_LOGO_URL", "javascript:alert(1)"],
    ["BRAND_LOGO_URL", "https://u:p@cdn.example.com/logo.png"],
    ["BRAND_NAME", "Acme\nBcc: x"],
    ["BRAND_NAME", "x".repeat(61)],
    ["PAGES_ENABLED", "maybe"],
  ])("refuses %s=%j", (name, raw) => {
    expect(configError({ [name]: raw }).variable).toBe(name);
  });
});

describe("HEADERS_TIMEOUT and REQUEST_TIMEOUT (issue 13 item 12)", () => {
  it("default to 10 s and 30 s, and read milliseconds or seconds", () => {
    expect(loadConfig({})).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    const set = loadConfig({ HEADERS_TIMEOUT: "300ms", REQUEST_TIMEOUT: "1m" });
    expect(set).toMatchObject({ headersTimeoutMs: 300, requestTimeoutMs: 60_000 });
  });

  it("refuses a header timeout longer than the request timeout, and nonsense", () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT: "40s" })).toThrow(/HEADERS_TIMEOUT/);
    expect(() => loadConfig({ REQUEST_TIMEOUT: "5ms" })).toThrow(/REQUEST_TIMEOUT/);
    expect(() => loadConfig({ HEADERS_TIMEOUT: "soon" })).toThrow(/HEADERS_TIMEOUT/);
  });
});
