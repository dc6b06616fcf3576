import type { DomainConfig } from "../../config/config.js";

/** Where the hosted pages take a provider's answer: a sign-in's code, a link's outcome. */
export const PAGES_RETURN = { signIn: "/sign-in/oauth", account: "/account" } as const;

/**
 * The prefixes redirectTo may fall under: APP_URL, REDIRECT_ALLOWLIST, and, when the hosted
 * pages are on, the pages' own two return addresses (exact paths of PUBLIC_URL's origin, so
 * no other page of ours can be handed a code).
 */
export function redirectPrefixes(
  config: Pick<DomainConfig, "pagesEnabled" | "publicUrl" | "redirectAllowlist">,
): readonly string[] {
  if (!config.pagesEnabled) return config.redirectAllowlist;
  const origin = new URL(config.publicUrl).origin;
  return [
    ...config.redirectAllowlist,
    ...Object.values(PAGES_RETURN).map((path) => `${origin}${path}`),
  ];
}

/**
 * Where an app may be sent back to: redirectTo must fall under one of the allowed prefixes
 * (APP_URL and REDIRECT_ALLOWLIST, kept as origin plus path). The comparison is of parsed
 * URLs: the exact origin (scheme, host, port), then the path on a segment boundary, so
 * `https://app.test` allows neither `https://app.test.evil.test` nor `https://app.test@evil.test`
 * nor `https://app.test/appendix` under a prefix `https://app.test/app` (RFC 9700 §4.11,
 * open redirection; OWASP ASVS 5.0 10.4.1).
 */
export function allowedRedirect(redirectTo: string, allowlist: readonly string[]): string | null {
  const target = URL.canParse(redirectTo) ? new URL(redirectTo) : undefined;
  if (!target || (target.protocol !== "https:" && target.protocol !== "http:")) return null;
  if (target.username !== "" || target.password !== "") return null;
  for (const prefix of allowlist) {
    const allowed = new URL(prefix);
    if (allowed.origin !== target.origin) continue;
    const base = allowed.pathname.replace(/\/+$/, "");
    if (base === "" || target.pathname === base || target.pathname.startsWith(`${base}/`)) {
      // Rebuilt from the parsed parts: what is sent back is what was checked.
      return `${target.origin}${target.pathname}${target.search}`;
    }
  }
  return null;
}

/** The app's URL with one more query parameter (the code, or the error). */
export function withParam(url: string, name: string, value: string): string {
  const next = new URL(url);
  next.searchParams.set(name, value);
  return next.href;
}
