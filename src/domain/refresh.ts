import { timeOrderedId } from "../crypto/random.js";
import { AuthError } from "../errors.js";
import type { ClientContext } from "./client.js";
import type { Deps } from "./deps.js";
import { newRefreshToken, refreshTokenRef } from "./refresh-token.js";
import { signSession, type TokenBundle } from "./sign-in/issue-session.js";
import { sessionRevoked } from "./webhook-events.js";

/**
 * Trades a refresh token for a new pair; the presented one dies. Presenting a token
 * that was already rotated means two parties hold the chain, so the whole family is
 * revoked, newest token included (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). There is
 * no grace window: of concurrent refreshes with one token exactly one succeeds, and
 * the others count as reuse.
 */
export async function refreshSession(
  deps: Deps,
  refreshToken: string | undefined,
  client: ClientContext,
): Promise<TokenBundle> {
  if (!refreshToken) throw new AuthError("INVALID_REFRESH_TOKEN");
  const presented = refreshTokenRef(refreshToken);
  const now = deps.clock();
  const id = timeOrderedId(now);
  const next = newRefreshToken(id);
  const rotated = await deps.stores.sessions.rotate(presented, {
    id,
    tokenHash: next.tokenHash,
    expiresAt: new Date(now.getTime() + deps.config.refreshTokenTtl * 1000),
    userAgent: client.userAgent,
    ip: client.ip,
    now,
  });

  if (!rotated) {
    const previous = await deps.stores.sessions.findByToken(presented);
    if (previous?.replacedBy) {
      const revoked = await deps.stores.sessions.revokeFamily(
        previous.familyId,
        now,
        sessionRevoked(now),
      );
      await deps.audit({
        type: "refresh.reuse",
        outcome: "failure",
        userId: previous.userId,
        client,
        details: { sessionId: previous.familyId, revoked },
      });
    }
    throw new AuthError("INVALID_REFRESH_TOKEN");
  }

  const { familyId, user, assurance } = rotated;
  if (user.status === "blocked") {
    await deps.stores.sessions.revokeFamily(familyId, now, sessionRevoked(now));
    throw new AuthError("INVALID_REFRESH_TOKEN");
  }
  return signSession(deps, { user, familyId, refreshToken: next.token, now, assurance });
}

/**
 * Ends the session the refresh token belongs to, and the one the access token names (its
 * sid; a Bearer token alone signs out too). Unknown tokens are not an error.
 */
export async function logout(
  deps: Deps,
  refreshToken: string | undefined,
  accessToken: string | null,
): Promise<void> {
  const now = deps.clock();
  if (refreshToken) {
    const session = await deps.stores.sessions.findByToken(refreshTokenRef(refreshToken));
    if (session) {
      await deps.stores.sessions.revokeFamily(session.familyId, now, sessionRevoked(now));
    }
  }
  if (accessToken) {
    // The signature is enough: it proves we issued this sid to whoever holds the token.
    const claims = await deps.tokens.verify(accessToken, Math.floor(now.getTime() / 1000));
    if (claims) await deps.stores.sessions.revokeFamily(claims.sid, now, sessionRevoked(now));
  }
}
