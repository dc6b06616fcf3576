import { timeOrderedId } from "../../crypto/random.js";
import type { UserRecord } from "../../storage/ports.js";
import type { AuditDetails } from "../../storage/schema.js";
import type { AuditType } from "../audit.js";
import type { ClientContext } from "../client.js";
import type { Deps } from "../deps.js";
import { type PublicUser, toPublicUser } from "../public-user.js";
import { newRefreshToken } from "../refresh-token.js";
import type { Aal, Assurance, AuthMethod } from "../vocabulary.js";
import { sessionEventTemplate } from "../webhook-events.js";
import { assuranceOf, type Proof } from "./assurance.js";

export interface TokenBundle {
  accessToken: string;
  refreshToken: string;
  tokenType: "Bearer";
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Seconds until the refresh token expires, for the cookie's Max-Age. */
  refreshExpiresIn: number;
  user: PublicUser;
  aal: Aal;
  amr: AuthMethod[];
}

export interface SessionRequest {
  user: UserRecord;
  /** Every way the user proved who they are in this sign-in, in order. */
  proofs: readonly Proof[];
  client: ClientContext;
  /** The audit event of the step that ends here ("login.success"); none when it has its own. */
  event?: AuditType;
  /** What that event adds beside the session's assurance. */
  eventDetails?: AuditDetails;
}

/**
 * The one place a session is born, whatever proved the user: a new session family, its
 * first refresh token, and an access token whose assurance the family keeps through every
 * refresh.
 */
export async function issueSession(deps: Deps, request: SessionRequest): Promise<TokenBundle> {
  const { user, client } = request;
  const assurance = assuranceOf(request.proofs);
  const now = deps.clock();
  const familyId = timeOrderedId(now);
  const id = timeOrderedId(now);
  const { token: refreshToken, tokenHash } = newRefreshToken(id);
  await deps.stores.sessions.create({
    id,
    familyId,
    userId: user.id,
    tokenHash,
    familyStartedAt: now,
    expiresAt: new Date(now.getTime() + deps.config.refreshTokenTtl * 1000),
    userAgent: client.userAgent,
    ip: client.ip,
    now,
    assurance,
    // Written by the insert's own statement, for endpoints subscribed to it (none: no row).
    event: sessionEventTemplate("session.created", user, now),
  });
  const tokens = await signSession(deps, { user, familyId, refreshToken, now, assurance });
  if (request.event) {
    await deps.audit({
      type: request.event,
      outcome: "success",
      userId: user.id,
      client,
      details: { aal: assurance.aal, amr: assurance.amr.join(" "), ...request.eventDetails },
    });
  }
  return tokens;
}

export interface LiveSession {
  user: UserRecord;
  familyId: string;
  refreshToken: string;
  now: Date;
  assurance: Assurance;
}

/** The bundle of a session that exists: a new one, or one whose refresh token just rotated. */
export async function signSession(deps: Deps, session: LiveSession): Promise<TokenBundle> {
  const { user, assurance, now } = session;
  const access = await deps.tokens.sign(
    { sub: user.id, email: user.email, role: user.role, sid: session.familyId, ...assurance },
    Math.floor(now.getTime() / 1000),
  );
  return {
    accessToken: access.token,
    refreshToken: session.refreshToken,
    tokenType: "Bearer",
    expiresIn: access.expiresIn,
    refreshExpiresIn: deps.config.refreshTokenTtl,
    user: toPublicUser(user),
    aal: assurance.aal,
    amr: [...assurance.amr],
  };
}
