import type { FastifyReply, FastifyRequest } from "fastify";
import type { AccessClaims, AccessTokens } from "../../crypto/access-tokens.js";
import { AuthError } from "../../errors.js";
import { ACCESS_COOKIE } from "../cookies.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the authenticate preHandler on routes that require a signed-in user. */
    auth: AccessClaims | null;
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

/** A preHandler: 401 UNAUTHORIZED unless a valid access token is presented. */
export function authenticate(tokens: AccessTokens, clock: () => Date) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = presentedAccessToken(request);
    const claims = token ? await tokens.verify(token, Math.floor(clock().getTime() / 1000)) : null;
    if (!claims) throw new AuthError("UNAUTHORIZED");
    request.auth = claims;
  };
}

/** The claims set by authenticate; a route without the preHandler is a programming error. */
export function requireAuth(request: FastifyRequest): AccessClaims {
  if (!request.auth) throw new Error("route is missing the authenticate preHandler");
  return request.auth;
}
