import type { FastifyReply, FastifyRequest } from "fastify";
import type { AccessClaims } from "../crypto/access-tokens.js";
import { authenticateAccess } from "../domain/access.js";
import type { Deps } from "../domain/deps.js";
import type { SignInResult } from "../domain/sign-in/sign-in-step.js";
import { AuthError } from "../errors.js";
import { ACCESS_COOKIE, setMfaCookie, setSessionCookies } from "../http/cookies.js";
import { href, type PageContext } from "./context.js";
import type { Html } from "./html.js";

/** Route options of every page: pages are not part of the API's OpenAPI document. */
export const PAGE_ROUTE = { schema: { hide: true } } as const;

export function sendHtml(reply: FastifyReply, html: Html, status = 200): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(html);
}

/** A refused form, drawn again with its errors, under the status the API would answer. */
export function sendRefused(reply: FastifyReply, error: unknown, html: Html): FastifyReply {
  if (error instanceof AuthError && error.retryAfter !== undefined) {
    reply.header("retry-after", String(error.retryAfter));
  }
  return sendHtml(reply, html, error instanceof AuthError ? error.status : 400);
}

/** After a successful POST: 303 See Other, so a reload does not send the form again. */
export function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.redirect(location, 303);
}

/**
 * The signed-in user's claims from the accessToken cookie, or null. Pages are for
 * browsers, so only the cookie counts; it is judged as the API judges any Bearer token
 * (authenticateAccess): an ended session is signed out. A blocked user's claims are
 * returned, so the page can say why they are refused.
 */
/** The page a sign-in that asks for a second factor goes on at (a second factor's pages). */
export const SECOND_FACTOR_PAGE = "/sign-in/second-factor";
export { MFA_COOKIE } from "../http/cookies.js";

/**
 * Ends a sign-in step on the pages: a session sets the session cookies and goes `next`; a
 * challenge sets only the mfaToken's cookie (HttpOnly, on the second factor's page alone,
 * as long as the token lives) and goes there. Answers the URL to redirect to.
 */
export function finishSignIn(
  reply: FastifyReply,
  ctx: PageContext,
  result: SignInResult,
  next: string,
): string {
  const { config } = ctx;
  if (result.challenge) {
    setMfaCookie(reply, config, result.challenge, SECOND_FACTOR_PAGE);
    return href(ctx, SECOND_FACTOR_PAGE);
  }
  setSessionCookies(reply, config, result.session);
  return next;
}

export async function signedInClaims(
  request: FastifyRequest,
  deps: Deps,
): Promise<AccessClaims | null> {
  const token = request.cookies[ACCESS_COOKIE];
  if (!token) return null;
  return (await authenticateAccess(deps, token))?.claims ?? null;
}
