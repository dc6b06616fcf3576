import type { AccessClaims } from "../crypto/access-tokens.js";
import { AuthError, fieldError } from "../errors.js";
import type { UserRecord } from "../storage/ports.js";
import type { ClientContext } from "./client.js";
import type { Deps } from "./deps.js";
import { queueMail } from "./email-codes.js";
import { assertSteppedUp } from "./sign-in/step-up.js";
import { acceptablePassword, presentedPassword } from "./validate.js";
import type { Aal, AuthMethod } from "./vocabulary.js";
import { recordUserEvent, sessionRevoked } from "./webhook-events.js";

/** The user behind a verified access token, as the database has them now. */
export async function getCurrentUser(deps: Deps, claims: AccessClaims): Promise<UserRecord> {
  const user = await deps.stores.users.findById(claims.sub);
  if (!user) throw new AuthError("UNAUTHORIZED");
  if (user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  return user;
}

export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
}

/** Proves the current password, sets the new one, and ends every other session. */
export async function changePassword(
  deps: Deps,
  claims: AccessClaims,
  input: ChangePasswordInput,
  client: ClientContext,
): Promise<void> {
  const user = await getCurrentUser(deps, claims);
  await assertSteppedUp(deps, claims);
  const current = presentedPassword(input.currentPassword, "currentPassword");
  const next = await acceptablePassword(deps, input.newPassword, user, "newPassword");
  const verified = await deps.hasher.verify(user.passwordHash, current);
  if (!verified.ok) {
    await auditRefusal(deps, user.id, client, "wrong_password");
    throw wrongCurrentPassword();
  }
  if (next === current) {
    // Both are NFKC-normalised: equal strings are the same password. A "change" that
    // keeps it would revoke every other session and mail the user for nothing.
    throw fieldError("newPassword", "The new password must differ from the current one.");
  }
  const passwordHash = await deps.hasher.hash(next);
  const now = deps.clock();
  const changed = await deps.stores.transaction(async (stores) => {
    // Compare-and-swap on the hash that was verified: of concurrent changes from one
    // password exactly one wins; the others proved a password that is no longer current.
    const swapped = await stores.users.swapPasswordHash(
      user.id,
      user.passwordHash,
      passwordHash,
      now,
    );
    if (!swapped) return false;
    // The calling session stays; anyone else holding the old password's sessions is out.
    await stores.sessions.revokeAllForUser(user.id, now, {
      exceptFamilyId: claims.sid,
      event: sessionRevoked(now),
    });
    // A pending reset secret was asked for with the old password in mind.
    await stores.codes.delete(user.id, "reset");
    await queueMail(stores, deps.mailer.passwordChanged(user, now), now);
    await recordUserEvent(stores, "password.changed", user, now);
    return true;
  });
  if (!changed) {
    await auditRefusal(deps, user.id, client, "password_changed_concurrently");
    throw wrongCurrentPassword();
  }
  await deps.audit({ type: "password.changed", outcome: "success", userId: user.id, client });
}

function wrongCurrentPassword(): AuthError {
  return new AuthError("INVALID_CREDENTIALS", "The current password is incorrect.", [
    { field: "currentPassword", message: "The current password is incorrect." },
  ]);
}

function auditRefusal(deps: Deps, userId: string, client: ClientContext, reason: string) {
  return deps.audit({
    type: "password.changed",
    outcome: "failure",
    userId,
    client,
    details: { reason },
  });
}

export async function logoutEverywhere(deps: Deps, claims: AccessClaims): Promise<number> {
  const now = deps.clock();
  return deps.stores.sessions.revokeAllForUser(claims.sub, now, { event: sessionRevoked(now) });
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
  aal: Aal;
  amr: AuthMethod[];
}

/** The user's live sessions; a session is a refresh-token family, named by its id. */
export async function listSessions(deps: Deps, claims: AccessClaims): Promise<SessionView[]> {
  const live = await deps.stores.sessions.listLiveForUser(claims.sub, deps.clock());
  return live.map((session) => ({
    id: session.familyId,
    createdAt: session.familyStartedAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    userAgent: session.userAgent,
    ip: session.ip,
    current: session.familyId === claims.sid,
    aal: session.assurance.aal,
    amr: [...session.assurance.amr],
  }));
}

export async function revokeSession(deps: Deps, claims: AccessClaims, id: string): Promise<void> {
  const sessions = await listSessions(deps, claims);
  // Only the caller's own sessions can be named; any other id is simply not found.
  if (!sessions.some((session) => session.id === id)) {
    throw new AuthError("NOT_FOUND", "No such session.");
  }
  const now = deps.clock();
  await deps.stores.sessions.revokeFamily(id, now, sessionRevoked(now));
}
