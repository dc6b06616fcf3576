import type { EnvVar, Parsed } from "../env-var.js";
import { CONTROL, fail, ok, originList, quote } from "../parsers.js";

const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A WebAuthn RP ID is a domain, never an IP address or a URL (WebAuthn Level 3 §5.1.4,
 * "RP ID"): browsers refuse anything else, so a typo should stop the start, not every
 * passkey ceremony later.
 */
export function parseRpId(raw: string): Parsed<string> {
  const id = raw.trim().toLowerCase();
  if (!DNS_NAME.test(id) || /^[0-9.]+$/.test(id)) {
    return fail(`${quote(raw)} is not a domain name like example.com (no scheme, port or path)`);
  }
  return ok(id);
}

function parseRpName(raw: string): Parsed<string> {
  const name = raw.trim();
  if (name === "") return fail("must not be blank");
  if (CONTROL.test(name)) return fail("must not contain control characters or line breaks");
  return ok(name);
}

/**
 * Browsers run WebAuthn only in a secure context: https, or http on localhost (WebAuthn
 * Level 3 §13.4.9 and the Secure Contexts spec), so any other http origin could never work.
 */
function parseWebauthnOrigins(raw: string): Parsed<string[]> {
  const parsed = originList((url, entry) => {
    const local = url.hostname === "localhost" || url.hostname.endsWith(".localhost");
    return url.protocol === "https:" || local
      ? undefined
      : `${quote(entry)} must be https:// (http:// only on localhost)`;
  })(raw);
  if (parsed.ok && parsed.value.length === 0) return fail("must list at least one origin");
  return parsed;
}

/** Whether a page of `origin` may use passkeys of `rpId`: its host is the RP ID or under it. */
export function originFitsRpId(origin: string, rpId: string): boolean {
  const host = new URL(origin).hostname;
  return host === rpId || host.endsWith(`.${rpId}`);
}

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const PASSKEY_VARS = [
  { name: "WEBAUTHN_RP_ID", aliases: [], key: "webauthnRpId", group: "passkeys", default: "PUBLIC_URL's host",
    description: "The domain passkeys are bound to (a host or a parent domain of it, no scheme or port). Changing it later orphans every registered passkey.",
    parse: parseRpId },
  { name: "WEBAUTHN_RP_NAME", aliases: [], key: "webauthnRpName", group: "passkeys", default: "BRAND_NAME",
    description: "The name a browser shows when it creates a passkey.",
    parse: parseRpName },
  { name: "WEBAUTHN_ORIGINS", aliases: [], key: "webauthnOrigins", group: "passkeys", default: "PUBLIC_URL's origin",
    description: "Comma-separated origins whose pages may use passkeys (each on WEBAUTHN_RP_ID or under it; https, or http on localhost).",
    parse: parseWebauthnOrigins },
] as const satisfies readonly EnvVar[];
