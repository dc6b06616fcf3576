import type { EnvVar, Parsed } from "../env-var.js";
import { durationOf, fail, JWT_SECRET_MIN_LENGTH, ok } from "../parsers.js";

function parseJwtSecret(raw: string): Parsed<string> {
  const length = [...raw].length;
  if (length >= JWT_SECRET_MIN_LENGTH) return ok(raw);
  return fail(
    `must be at least ${JWT_SECRET_MIN_LENGTH} characters (256 bits for HS256, RFC 7518 §3.2), got ${length}; try: openssl rand -base64 48`,
  );
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

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const TOKEN_VARS = [
  { name: "JWT_SECRET", aliases: ["SECRET_KEY"], key: "jwtSecret", group: "tokens",
    default: "unset: Ed25519 keys, generated once and kept",
    description: "When set (32+ characters), access tokens are HS256 signed with it.",
    parse: parseJwtSecret },
  { name: "ACCESS_TOKEN_AUDIENCE", aliases: [], key: "accessTokenAudience", group: "tokens",
    default: "PUBLIC_URL",
    description: "`aud` of access tokens (comma list); a token must name one of them (RFC 9068 §4).",
    parse: parseAudiences },
  { name: "ACCESS_TOKEN_TTL", aliases: [], key: "accessTokenTtl", group: "tokens", default: "15m", fallback: "15m",
    description: "Lifetime of an access token.",
    parse: durationOf({ allowZero: false }) },
  { name: "REFRESH_TOKEN_TTL", aliases: [], key: "refreshTokenTtl", group: "tokens", default: "30d", fallback: "30d",
    description: "Lifetime of a refresh token, that is of an idle session.",
    parse: durationOf({ allowZero: false }) },
  { name: "MFA_TOKEN_TTL", aliases: [], key: "mfaTokenTtl", group: "tokens", default: "5m", fallback: "5m",
    description: "How long a sign-in that asked for the second factor waits for it (the mfaToken's lifetime).",
    parse: durationOf({ allowZero: false }) },
  { name: "KEY_RELOAD_INTERVAL", aliases: [], key: "keyReloadInterval", group: "tokens", default: "30s", fallback: "30s",
    description: "How often each instance re-reads the signing keys: a key rotated elsewhere reaches its JWKS within this time.",
    parse: durationOf({ allowZero: false }) },
] as const satisfies readonly EnvVar[];
