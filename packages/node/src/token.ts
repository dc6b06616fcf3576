/** Latchkey's cookie mode sets this HttpOnly cookie (its src/http/cookies.ts, ACCESS_COOKIE). */
export const ACCESS_COOKIE = "accessToken";

export interface TokenSource {
  /**
   * Also read the access token from a cookie: `true` for Latchkey's `accessToken`, or a name.
   * Off by default: an API that accepts cookies must defend against cross-site requests
   * (the cookie is SameSite=Lax), one that takes only Bearer headers need not.
   */
  cookie?: boolean | string | undefined;
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i;

/**
 * The Bearer header first, then the cookie when asked for; null when neither holds a token.
 * A header of another scheme counts as no token, as Latchkey's own routes do.
 */
export function presentedToken(
  authorization: string | null | undefined,
  cookieHeader: string | null | undefined,
  source: TokenSource,
): string | null {
  if (authorization) return BEARER.exec(authorization)?.[1] ?? null;
  if (!source.cookie || !cookieHeader) return null;
  const name = source.cookie === true ? ACCESS_COOKIE : source.cookie;
  return cookieValue(cookieHeader, name);
}

function cookieValue(header: string, name: string): string | null {
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    try {
      return decodeURIComponent(value) || null;
    } catch {
      return null;
    }
  }
  return null;
}
