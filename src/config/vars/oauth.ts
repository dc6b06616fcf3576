import type { DocumentedVar, EnvVar, Parsed } from "../env-var.js";
import { CONTROL, fail, ok, parseBoolean, quote } from "../parsers.js";
import { type AppleSigning, readAppleSigning } from "./apple.js";

/** A provider id names its variables (OAUTH_<ID>_…) and its routes (/auth/oauth/<id>/…). */
const PROVIDER_ID = /^[a-z][a-z0-9]{0,31}$/;

function parseProviderIds(raw: string): Parsed<string[]> {
  const ids = raw
    .split(",")
    .map((id) => id.trim().toLowerCase())
    .filter(Boolean);
  for (const id of ids) {
    if (!PROVIDER_ID.test(id)) {
      return fail(
        `${quote(id)} is not a provider id (a letter, then letters or digits, at most 32)`,
      );
    }
  }
  if (new Set(ids).size !== ids.length) return fail("lists a provider twice");
  return ok(ids);
}

/**
 * URL prefixes an app may be sent back to. Each is kept as origin plus path, so matching
 * (redirect-allowlist.ts in the oauth method) compares origins exactly, never strings: a
 * prefix compared as text would let `https://app.test.evil.test` or `https://app.test@evil.test`
 * through (RFC 9700 §4.1, open redirectors; ASVS 5.0 10.4.1 exact redirect matching).
 */
export function parseRedirectAllowlist(raw: string): Parsed<string[]> {
  const prefixes: string[] = [];
  for (const entry of raw
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      return fail(`${quote(entry)} is not an absolute http:// or https:// URL`);
    }
    if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
      return fail(`${quote(entry)} must be an origin and a path, without credentials, ?query or #`);
    }
    prefixes.push(`${url.origin}${url.pathname}`);
  }
  return ok(prefixes);
}

// biome-ignore format: aligned table
export const OAUTH_VARS = [
  { name: "OAUTH_PROVIDERS", aliases: [], key: "oauthProviders", group: "oauth", default: "unset: none",
    description: "Comma-separated ids of the providers users may sign in with (google, microsoft, apple, gitlab, github, or any id with OAUTH_<ID>_ISSUER). Each id reads the OAUTH_<ID>_… variables below.",
    parse: parseProviderIds },
  { name: "REDIRECT_ALLOWLIST", aliases: [], key: "redirectAllowlist", group: "oauth", default: "unset: APP_URL only",
    description: "Comma-separated URL prefixes an app may be sent back to after a provider's sign-in (APP_URL is always allowed, and with PAGES_ENABLED the hosted pages' own PUBLIC_URL/sign-in/oauth and PUBLIC_URL/account); matched on the exact origin, then on a path boundary.",
    parse: parseRedirectAllowlist },
] as const satisfies readonly EnvVar[];

/** How a provider is spoken to: OpenID Connect by discovery, or GitHub's OAuth 2.0. */
export type ProviderProtocol = "oidc" | "github";

export interface OAuthProviderConfig {
  readonly id: string;
  /** The button's label. */
  readonly name: string;
  readonly protocol: ProviderProtocol;
  /** The issuer to discover (OIDC); GitHub's endpoints are fixed. */
  readonly issuer: string;
  readonly clientId: string;
  /** Unset: a public client, which PKCE alone protects. */
  readonly clientSecret: string | undefined;
  readonly scopes: readonly string[];
  /** Link a new identity to an existing verified account with the same, provider-verified email. */
  readonly trustEmail: boolean;
  /** How the provider answers: redirecting with a query, or by a cross-site form POST (Apple). */
  readonly responseMode: "query" | "form_post";
  /** Apple's: the client secret is a JWT minted from these, not a fixed string. */
  readonly appleSigning: AppleSigning | null;
}

interface Preset {
  name: string;
  protocol: ProviderProtocol;
  issuer?: string;
  scopes?: string;
  trustEmail: boolean;
  /** Apple answers by form_post and takes a minted JWT as its client secret. */
  apple?: true;
}

/**
 * What the well-known providers need no variable for. Microsoft's issuer names the tenant
 * (the `common` endpoint's metadata does not match its own URL, which discovery checks), so
 * OAUTH_MICROSOFT_ISSUER is required; its `email` claim is not verified, hence no trust.
 */
const PRESETS: Readonly<Record<string, Preset>> = {
  google: {
    name: "Google",
    protocol: "oidc",
    issuer: "https://accounts.google.com",
    trustEmail: true,
  },
  microsoft: { name: "Microsoft", protocol: "oidc", trustEmail: false },
  apple: {
    name: "Apple",
    protocol: "oidc",
    issuer: "https://appleid.apple.com",
    scopes: "openid email name",
    trustEmail: true,
    apple: true,
  },
  gitlab: { name: "GitLab", protocol: "oidc", issuer: "https://gitlab.com", trustEmail: true },
  github: {
    name: "GitHub",
    protocol: "github",
    issuer: "https://github.com",
    scopes: "read:user user:email",
    trustEmail: true,
  },
};

const MICROSOFT_ISSUER = "https://login.microsoftonline.com/<tenant id>/v2.0";

/**
 * Microsoft's multi-tenant endpoints answer metadata whose issuer is a template
 * (`{tenantid}`) or another tenant's, so discovery's issuer check (OIDC Discovery §4.3)
 * fails at the first sign-in: refused at start instead, naming what to set.
 */
function microsoftMultiTenant(issuer: string): string | null {
  const url = new URL(issuer);
  if (url.hostname !== "login.microsoftonline.com") return null;
  const tenant = url.pathname.split("/")[1]?.toLowerCase() ?? "";
  return ["common", "organizations", "consumers"].includes(tenant) ? tenant : null;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https, or http on the loopback interface (local development and tests). */
function parseIssuer(raw: string): Parsed<string> {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (
    !url ||
    (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname)))
  ) {
    return fail(`${quote(raw)} is not an https:// URL (http:// only on localhost)`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "") {
    return fail(`${quote(raw)} must not have credentials, a ?query or a #fragment`);
  }
  return ok(url.href.replace(/\/$/, ""));
}

function parseLabel(raw: string): Parsed<string> {
  const name = raw.trim();
  if (name === "" || name.length > 64) return fail("must be 1 to 64 characters");
  if (CONTROL.test(name)) return fail("must not contain control characters or line breaks");
  return ok(name);
}

type Env = Readonly<Record<string, string | undefined>>;

/** A provider's setting: its value parsed, or the one-line problem naming the variable. */
export type ProviderRead =
  | { ok: true; value: OAuthProviderConfig }
  | { ok: false; variable: string; error: string };

/**
 * One provider's OAUTH_<ID>_… variables. Their names depend on OAUTH_PROVIDERS, so they are
 * read here rather than declared one by one; a bad value still stops the start naming it.
 */
export function readProvider(env: Env, id: string): ProviderRead {
  const prefix = `OAUTH_${id.toUpperCase()}_`;
  const preset = PRESETS[id];
  const value = (suffix: string) => {
    const raw = env[prefix + suffix]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const problem = (suffix: string, error: string): ProviderRead => ({
    ok: false,
    variable: prefix + suffix,
    error,
  });

  const clientId = value("CLIENT_ID");
  if (clientId === undefined)
    return problem("CLIENT_ID", `required because OAUTH_PROVIDERS lists ${id}`);
  const rawIssuer = value("ISSUER") ?? preset?.issuer;
  if (rawIssuer === undefined) {
    return problem(
      "ISSUER",
      id === "microsoft"
        ? `required for microsoft: your tenant's issuer, ${MICROSOFT_ISSUER}`
        : `required for ${id} (the provider's issuer URL, found by discovery)`,
    );
  }
  const issuer = parseIssuer(rawIssuer);
  if (!issuer.ok) return problem("ISSUER", issuer.error);
  const multiTenant = microsoftMultiTenant(issuer.value);
  if (multiTenant) {
    return problem(
      "ISSUER",
      `names no tenant (${multiTenant}): the metadata there does not match its own URL, which discovery checks; use ${MICROSOFT_ISSUER}`,
    );
  }
  const protocol = preset?.protocol ?? "oidc";
  const scopes = (value("SCOPES") ?? preset?.scopes ?? "openid email profile")
    .split(/[\s,]+/)
    .filter(Boolean);
  if (protocol === "oidc" && !scopes.includes("openid"))
    return problem("SCOPES", "must include openid");
  const rawTrust = value("TRUST_EMAIL");
  const trust = rawTrust === undefined ? ok(preset?.trustEmail ?? false) : parseBoolean(rawTrust);
  if (!trust.ok) return problem("TRUST_EMAIL", trust.error);
  const name = parseLabel(value("NAME") ?? preset?.name ?? id);
  if (!name.ok) return problem("NAME", name.error);
  const apple = preset?.apple ? readAppleSigning(value) : null;
  if (apple && !apple.ok) return problem(apple.suffix, apple.error);
  return {
    ok: true,
    value: Object.freeze({
      id,
      name: name.value,
      protocol,
      issuer: issuer.value,
      clientId,
      clientSecret: value("CLIENT_SECRET"),
      scopes: Object.freeze(scopes),
      trustEmail: trust.value,
      responseMode: apple ? "form_post" : "query",
      appleSigning: apple ? apple.value : null,
    }),
  };
}

/** The README's lines for the per-provider variables, which have no fixed names. */
// biome-ignore format: aligned table
export const OAUTH_PROVIDER_DOCS: readonly DocumentedVar[] = [
  { name: "OAUTH_<ID>_CLIENT_ID", aliases: [], group: "oauth", default: "required per provider",
    description: "The client id the provider issued; the callback to register there is PUBLIC_URL/auth/oauth/<id>/callback." },
  { name: "OAUTH_<ID>_CLIENT_SECRET", aliases: [], group: "oauth", default: "unset: a public client (PKCE only)",
    description: "The client secret the provider issued." },
  { name: "OAUTH_<ID>_ISSUER", aliases: [], group: "oauth", default: "the preset's (google, apple, gitlab); required otherwise",
    description: "The OpenID provider's issuer URL, found by discovery at first use (https, or http on localhost). Microsoft needs its tenant's: https://login.microsoftonline.com/<tenant>/v2.0." },
  { name: "OAUTH_<ID>_SCOPES", aliases: [], group: "oauth", default: "openid email profile",
    description: "Space- or comma-separated scopes to ask for." },
  { name: "OAUTH_<ID>_TRUST_EMAIL", aliases: [], group: "oauth", default: "true for google, apple, gitlab, github; false otherwise",
    description: "Whether a provider-verified email may link a new identity to an existing verified account with that email." },
  { name: "OAUTH_<ID>_NAME", aliases: [], group: "oauth", default: "the preset's name, or the id",
    description: "The label of the provider's button." },
  { name: "OAUTH_APPLE_TEAM_ID", aliases: [], group: "oauth", default: "required for apple",
    description: "Your Apple developer team's id (10 characters): the iss of the client-secret JWT Latchkey mints. Apple takes no OAUTH_APPLE_CLIENT_SECRET." },
  { name: "OAUTH_APPLE_KEY_ID", aliases: [], group: "oauth", default: "required for apple",
    description: "The id (10 characters) of the Sign in with Apple key: the JWT's kid." },
  { name: "OAUTH_APPLE_PRIVATE_KEY", aliases: [], group: "oauth", default: "required for apple",
    description: "The text of that key's .p8 file (PEM; line breaks may be written as \\n). The client secret is signed with it (ES256), valid an hour, made again before it expires." },
];
