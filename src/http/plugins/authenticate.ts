import type { FastifyReply, FastifyRequest } from "fastify";
import type { AccessClaims } from "../../crypto/access-tokens.js";
import { authenticateAccess, type SignedIn } from "../../domain/access.js";
import type { Deps } from "../../domain/deps.js";
import { AuthError } from "../../errors.js";
import { ACCESS_COOKIE } from "../cookies.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the authenticate preHandler on routes that require a signed-in user. */
    auth: SignedIn | null;
  }
}

/** Bearer header first, then the accessToken cookie. */
export function presentedAccessToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === "string") {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    return match?.[1] ?? null;
  }
  const cookie = request.cookies[ACCESS_COOKIE];
  return cookie ? cookie : null;
}

/**
 * A preHandler: 401 UNAUTHORIZED unless a valid access token of a live session is
 * presented, 403 ACCOUNT_BLOCKED for a blocked user (see authenticateAccess).
 */
export function authenticate(deps: Deps) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = presentedAccessToken(request);
    const signedIn = token ? await authenticateAccess(deps, token) : null;
    if (!signedIn) throw new AuthError("UNAUTHORIZED");
    if (signedIn.user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
    request.auth = signedIn;
  };
}

/** What authenticate found; a route without the preHandler is a programming error. */
export function requireSignedIn(request: FastifyRequest): SignedIn {
  if (!request.auth) throw new Error("route is missing the authenticate preHandler");
  return request.auth;
}

/** The claims of the token authenticate accepted. */
export function requireAuth(request: FastifyRequest): AccessClaims {
  return requireSignedIn(request).claims;
}
