import type { OAuthProviderConfig } from "../../config/vars/oauth.js";
import { randomId } from "../../crypto/random.js";
import type { ClientContext } from "../../domain/client.js";
import { createUser, NO_PASSWORD } from "../../domain/create-user.js";
import type { Deps } from "../../domain/deps.js";
import { normalizeName } from "../../domain/input-rules.js";
import type { Stores, UserRecord } from "../../storage/ports.js";
import { UniqueViolation } from "../../storage/ports.js";
import type { OAuthErrorCode } from "./errors.js";

/** Who the provider says the user is, after every check of its answer. */
export interface Profile {
  issuer: string;
  subject: string;
  /** Lowercased; null when the provider gave none. */
  email: string | null;
  /** The provider asserts the user owns the mailbox. */
  emailVerified: boolean;
  name: string | null;
}

/** How a callback's user came to be signed in: known, made now, or linked now. */
export type SignInResult = "success" | "new_user" | "linked";

export type Outcome =
  | { userId: string; result: SignInResult }
  | { error: OAuthErrorCode | "ACCOUNT_BLOCKED" };

/**
 * The linking rules of README "Sign-in with other providers", in order:
 * 1. A known identity (provider, issuer, subject) signs its user in; never the email.
 * 2. A new identity whose email no account has makes an active account with no password.
 * 3. A verified account with that email is linked only when the provider verified the email
 *    and OAUTH_<ID>_TRUST_EMAIL is true; otherwise ACCOUNT_EXISTS: the user signs in and
 *    links from their account (pre-account-takeover, ASVS 5.0 6.8.1).
 * 4. A pending account is never verified or linked by a provider: whoever made it did not
 *    prove the mailbox. With a trusted, verified email it is replaced, its password and
 *    its sign-up code gone with it; otherwise ACCOUNT_EXISTS.
 */
export async function signInIdentity(
  deps: Deps,
  provider: OAuthProviderConfig,
  profile: Profile,
  client: ClientContext,
): Promise<Outcome> {
  const known = await deps.stores.oauth.findIdentity(provider.id, profile.issuer, profile.subject);
  if (known) {
    const user = await deps.stores.users.findById(known.userId);
    if (!user) return { error: "INVALID_STATE" };
    if (provedBefore(known.createdAt, user.emailVerifiedAt)) {
      // Linked while the account's mailbox was unproven (an untrusted provider made it), and
      // someone has proven the mailbox since (a reset, a verification): the account is theirs,
      // and an identity that never proved the email goes (pre-account takeover, ASVS 5.0
      // 6.8.1). Its owner, if it was them, links it again from their account.
      await deps.stores.oauth.removeIdentity(user.id, known.id, true);
      await deps.audit({
        type: "oauth.identity_removed",
        outcome: "success",
        userId: user.id,
        client,
        details: { provider: provider.id, identityId: known.id, reason: "mailbox_proven_later" },
      });
      return { error: "ACCOUNT_EXISTS" };
    }
    return user.status === "blocked"
      ? { error: "ACCOUNT_BLOCKED" }
      : { userId: user.id, result: "success" };
  }
  // An account needs an email; a provider that shares none cannot make one.
  const { email } = profile;
  if (email === null) return { error: "PROVIDER_ERROR" };
  const trusted = profile.emailVerified && provider.trustEmail;
  const existing = await deps.stores.users.findByEmail(email);
  if (!existing) return createAccount(deps, provider, { ...profile, email }, trusted, null, client);
  if (!trusted) return { error: "ACCOUNT_EXISTS" };
  if (existing.status === "pending") {
    return createAccount(deps, provider, { ...profile, email }, trusted, existing, client);
  }
  if (existing.emailVerifiedAt === null) return { error: "ACCOUNT_EXISTS" };
  if (existing.status === "blocked") return { error: "ACCOUNT_BLOCKED" };
  return linkIdentity(deps, provider, profile, existing.id, client);
}

/** The identity was linked before the account's mailbox was proven. */
function provedBefore(linkedAt: Date, emailVerifiedAt: Date | null): boolean {
  return emailVerifiedAt !== null && linkedAt.getTime() < emailVerifiedAt.getTime();
}

/** Links a new identity to a user (a signed-in user's link, or a trusted email's). */
export async function linkIdentity(
  deps: Deps,
  provider: OAuthProviderConfig,
  profile: Profile,
  userId: string,
  client: ClientContext,
): Promise<Outcome> {
  const known = await deps.stores.oauth.findIdentity(provider.id, profile.issuer, profile.subject);
  if (known) {
    return known.userId === userId ? { userId, result: "linked" } : { error: "IDENTITY_TAKEN" };
  }
  const added = await deps.stores.oauth.addIdentity({
    id: randomId(),
    userId,
    provider: provider.id,
    issuer: profile.issuer,
    subject: profile.subject,
    email: profile.email,
    now: deps.clock(),
  });
  if (!added) return { error: "IDENTITY_TAKEN" };
  await deps.audit({
    type: "oauth.identity_linked",
    outcome: "success",
    userId,
    client,
    details: { provider: provider.id, identityId: added.id },
  });
  return { userId, result: "linked" };
}

async function createAccount(
  deps: Deps,
  provider: OAuthProviderConfig,
  profile: Profile & { email: string },
  trusted: boolean,
  pending: UserRecord | null,
  client: ClientContext,
): Promise<Outcome> {
  const now = deps.clock();
  const name = profile.name === null ? null : normalizeName(profile.name);
  try {
    const user = await deps.stores.transaction(async (stores: Stores) => {
      // The pending account goes with its password, codes and sessions (none): its maker
      // proved nothing, and nothing of theirs may carry over to the mailbox's owner.
      if (pending) await stores.users.delete(pending.id);
      const created = await createUser(
        stores,
        {
          email: profile.email,
          name: name?.ok ? name.value : null,
          username: null,
          locale: null,
          passwordHash: NO_PASSWORD,
        },
        { role: "user", status: "active", emailVerifiedAt: trusted ? now : null },
        now,
      );
      const identity = await stores.oauth.addIdentity({
        id: randomId(),
        userId: created.id,
        provider: provider.id,
        issuer: profile.issuer,
        subject: profile.subject,
        email: profile.email,
        now,
      });
      if (!identity) throw new UniqueViolation("email");
      return created;
    });
    await deps.audit({
      type: pending ? "oauth.pending_replaced" : "oauth.user_created",
      outcome: "success",
      userId: user.id,
      client,
      details: { provider: provider.id },
    });
    return { userId: user.id, result: "new_user" };
  } catch (error) {
    // Another sign-in made the account (or the identity) a moment ago.
    if (error instanceof UniqueViolation) return { error: "ACCOUNT_EXISTS" };
    throw error;
  }
}
