import type { FastifyReply, FastifyRequest } from "fastify";
import { type Actor, requireActiveAdmin } from "../../domain/admin.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../client-context.js";
import type { AppDeps } from "../types.js";
import { authenticate, requireAuth, requireSignedIn } from "./authenticate.js";

/**
 * A preHandler for the admin API: a valid access token of a live session (Bearer or
 * cookie, else 401), and its user as loaded on this request, so a demoted or blocked admin
 * is refused at once even while their token lives (403 FORBIDDEN / 403 ACCOUNT_BLOCKED).
 * With ADMIN_REQUIRE_MFA the session must be aal2 too (403 MFA_REQUIRED): an admin's password
 * alone then opens nothing (OWASP ASVS 5.0 6.3.3, multi-factor for privileged access).
 */
export function requireAdmin(deps: AppDeps) {
  const signedIn = authenticate(deps);
  const needsAal2 = deps.config.adminRequireMfa;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await signedIn(request, reply);
    const { user, claims } = requireSignedIn(request);
    requireActiveAdmin(user);
    if (needsAal2 && claims.aal !== "aal2") throw new AuthError("MFA_REQUIRED");
  };
}

/** The acting admin of a request that passed requireAdmin, for the domain and the audit trail. */
export function adminActor(request: FastifyRequest): Actor {
  return { id: requireAuth(request).sub, client: clientContext(request) };
}
