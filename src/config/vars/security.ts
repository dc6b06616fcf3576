import { decodeEncryptionKey } from "../../crypto/encryption-key.js";
import type { EnvVar, Parsed } from "../env-var.js";
import { durationOf, FALSE, fail, ok, originList, parseBoolean, quote, TRUE } from "../parsers.js";

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

/** Kept as text, decoded where it is used (crypto/encryption-key.ts); checked here so a bad key stops the start. */
function parseEncryptionKey(raw: string): Parsed<string> {
  const { problem } = decodeEncryptionKey(raw);
  return problem === undefined ? ok(raw.trim()) : fail(problem);
}

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const SECURITY_VARS = [
  { name: "COOKIE_SECURE", aliases: [], key: "cookieSecure", group: "security", default: "true", fallback: "true",
    description: "false only for plain-http local development.",
    parse: parseBoolean },
  { name: "TRUST_PROXY", aliases: [], key: "trustProxy", group: "security", default: "false", fallback: "false",
    description: "Take the client IP from X-Forwarded-For: the number of proxies in front (e.g. 1), or their addresses/CIDRs; the address they appended is used. `true` trusts every entry, so a client picks its own IP: unsafe unless the proxy overwrites the header.",
    parse: parseTrustProxy },
  { name: "CORS_ORIGINS", aliases: [], key: "corsOrigins", group: "security", default: "unset: same origin only",
    description: "Comma-separated origins allowed to call the API from a browser, with cookies.",
    parse: originList() },
  // OWASP Logging Cheat Sheet leaves retention to policy; 90 days covers a quarter's review.
  { name: "AUDIT_RETENTION", aliases: [], key: "auditRetention", group: "security", default: "90d", fallback: "90d",
    description: "How long audit events are kept.",
    parse: durationOf({ allowZero: false }) },
  { name: "ADMIN_REQUIRE_MFA", aliases: [], key: "adminRequireMfa", group: "security", default: "false", fallback: "false",
    description: "true: admin routes and commands over HTTP need an aal2 session (a second factor), not only the admin role.",
    parse: parseBoolean },
  { name: "ENCRYPTION_KEY", aliases: [], key: "encryptionKey", group: "security",
    default: "unset: generated once in `$DATA_DIR/encryption.key`",
    description: "Encrypts second-factor secrets at rest (AES-256-GCM): 32 bytes as 64 hex characters or base64 (`openssl rand -hex 32`). Set it with DATABASE_URL or several instances, which would each make their own file; to keep a generated key, `base64 < $DATA_DIR/encryption.key`. Losing the key means every TOTP factor must be enrolled again.",
    parse: parseEncryptionKey },
] as const satisfies readonly EnvVar[];
