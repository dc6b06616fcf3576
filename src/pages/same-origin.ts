import type { FastifyRequest } from "fastify";

/**
 * Whether a form POST comes from a page of this origin. Stricter than the API's
 * cookie rule: every page POST is checked, cookies or not, so another site cannot sign
 * a visitor in to an account of its choosing (login CSRF).
 *
 * A same-origin form on a `Referrer-Policy: no-referrer` page is sent with `Origin: null`
 * (Fetch Standard, "append a request Origin header"), so Origin alone cannot tell our own
 * forms from an opaque origin. Fetch Metadata can: `Sec-Fetch-Site` is set by the browser
 * and cannot be forged by a page (OWASP CSRF Prevention Cheat Sheet, "Fetch Metadata").
 * Without either header the client is not a browser, and no other site can make it send.
 */
export function isSameOriginPost(request: FastifyRequest, ownOrigin: string): boolean {
  const site = request.headers["sec-fetch-site"];
  if (site === "same-origin") return true;
  if (site !== undefined && site !== "none") return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === ownOrigin;
}
