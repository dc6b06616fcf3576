import type { Auth } from "./auth.js";
import { AccessDenied } from "./errors.js";
import { presentedToken, type TokenSource } from "./token.js";
import { createVerifier, type VerifierOptions } from "./verify.js";

/** What every middleware takes: whose tokens, what a route requires, where the token is. */
export type AuthOptions = VerifierOptions & TokenSource;

/** Verifies the token a request presents, from its Authorization and Cookie headers. */
export type Guard = (
  authorization: string | null | undefined,
  cookie: string | null | undefined,
) => Promise<Auth>;

export function createGuard(options: AuthOptions): Guard {
  const verify = createVerifier(options);
  return async (authorization, cookie) => {
    const token = presentedToken(authorization, cookie, options);
    if (token === null)
      throw new AccessDenied("UNAUTHORIZED", authorization ? "invalid" : "missing");
    return verify(token);
  };
}

/**
 * For any web-standard server (Bun, Deno, Cloudflare Workers, Next.js route handlers):
 * `const auth = await authenticate(request)`, and on AccessDenied `return error.toResponse()`.
 */
export function createAuthenticator(options: AuthOptions): (request: Request) => Promise<Auth> {
  const guard = createGuard(options);
  return (request) => guard(request.headers.get("authorization"), request.headers.get("cookie"));
}
