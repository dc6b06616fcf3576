import type { FastifyRequest } from "fastify";

/**
 * Whether a form POST comes from a page of this origin. Stricter than the API's
 * cookie rule: every page POST is checked, cookies or not, so another site cannot sign
 * a visitor in to an account of its choosing (login CSRF).
 *
 * The pages' `Referrer-Policy: same-origin` makes the browser send their forms with the real
 * Origin (Fetch Standard, "append a request Origin header"), which is all a browser gives on
 * plain http away from localhost: Fetch Metadata is sent only to secure contexts. A form from
 * a `no-referrer` page (another browser's policy, a cached page) comes with `Origin: null`;
 * `Sec-Fetch-Site` tells ours from an opaque origin then, since a page cannot forge it
 * (OWASP CSRF Prevention Cheat Sheet, "Fetch Metadata"). `Origin: null` without it is
 * refused. Without either header the client is not a browser, and no other site can make
 * it send.
 */
export function isSameOriginPost(request: FastifyRequest, ownOrigin: string): boolean {
  const site = request.headers["sec-fetch-site"];
  if (site === "same-origin") return true;
  if (site !== undefined && site !== "none") return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === ownOrigin;
}
