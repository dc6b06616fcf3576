import type { FastifyReply, FastifyRequest } from "fastify";
import { type Actor, requireActiveAdmin } from "../../domain/admin.js";
import type { Deps } from "../../domain/deps.js";
import { clientContext } from "../client-context.js";
import { authenticate, requireAuth, requireSignedIn } from "./authenticate.js";

/**
 * A preHandler for the admin API: a valid access token of a live session (Bearer or
 * cookie, else 401), and its user as loaded on this request, so a demoted or blocked admin
 * is refused at once even while their token lives (403 FORBIDDEN / 403 ACCOUNT_BLOCKED).
 */
export function requireAdmin(deps: Deps) {
  const signedIn = authenticate(deps);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await signedIn(request, reply);
    requireActiveAdmin(requireSignedIn(request).user);
  };
}

/** The acting admin of a request that passed requireAdmin, for the domain and the audit trail. */
export function adminActor(request: FastifyRequest): Actor {
  return { id: requireAuth(request).sub, client: clientContext(request) };
}
