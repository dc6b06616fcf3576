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
