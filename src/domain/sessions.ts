import type { Aal, Assurance, AuthMethod } from "../crypto/access-tokens.js";
import { sha256 } from "../crypto/digest.js";
import { randomId, randomToken } from "../crypto/random.js";
import type { UserRecord } from "../storage/ports.js";
import type { ClientContext, Deps } from "./deps.js";
import { type PublicUser, toPublicUser } from "./public-user.js";

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

/** A password sign-in: one factor (NIST SP 800-63B-4 §2.2). */
export const PASSWORD_SIGN_IN: Assurance = { aal: "aal1", amr: ["pwd"] };
/** A reset link or code: possession of the mailbox, one factor. */
export const EMAIL_SIGN_IN: Assurance = { aal: "aal1", amr: ["email"] };

/** Starts a new session family for the user and returns its first token pair. */
export async function startSession(
  deps: Deps,
  user: UserRecord,
  client: ClientContext,
  assurance: Assurance,
): Promise<TokenBundle> {
  const now = deps.clock();
  const refreshToken = randomToken();
  const familyId = randomId();
  const expiresAt = new Date(now.getTime() + deps.config.refreshTokenTtl * 1000);
  await deps.stores.sessions.create({
    id: randomId(),
    familyId,
    userId: user.id,
    tokenHash: sha256(refreshToken),
    familyStartedAt: now,
    expiresAt,
    userAgent: client.userAgent,
    ip: client.ip,
    now,
    assurance,
  });
  return bundle(deps, user, familyId, refreshToken, now, assurance);
}

export async function bundle(
  deps: Deps,
  user: UserRecord,
  familyId: string,
  refreshToken: string,
  now: Date,
  assurance: Assurance,
): Promise<TokenBundle> {
  const access = await deps.tokens.sign(
    { sub: user.id, email: user.email, role: user.role, sid: familyId, ...assurance },
    Math.floor(now.getTime() / 1000),
  );
  return {
    accessToken: access.token,
    refreshToken,
    tokenType: "Bearer",
    expiresIn: access.expiresIn,
    refreshExpiresIn: deps.config.refreshTokenTtl,
    user: toPublicUser(user),
    aal: assurance.aal,
    amr: [...assurance.amr],
  };
}
