import { randomId } from "../crypto/random.js";
import { AuthError } from "../errors.js";
import {
  type SignUpData,
  UniqueViolation,
  type UserPatch,
  type UserRecord,
} from "../storage/ports.js";
import { type ClientContext, clientIp } from "./client.js";
import {
  type AcceptedUser,
  acceptNewUser,
  createUser,
  type NewUserInput,
  newUser,
  recordOf,
} from "./create-user.js";
import type { Deps } from "./deps.js";
import { emailCode, issueEmailCode } from "./email-codes.js";
import { PASSWORD } from "./sign-in/assurance.js";
import { issueSession, type TokenBundle } from "./sign-in/issue-session.js";
import { validEmail } from "./validate.js";
import type { UserStatus } from "./vocabulary.js";
import { userEvent } from "./webhook-events.js";

export type RegisterInput = NewUserInput;

export interface Registration {
  /**
   * What the caller may see: their own sign-up. A repeated sign-up of a pending email gets
   * its sign-up's id and data, never the pending account's (README).
   */
  user: UserRecord;
  /** Present when email verification is not required: the user is signed in at once. */
  tokens: TokenBundle | null;
}

export async function registerUser(
  deps: Deps,
  input: RegisterInput,
  client: ClientContext,
): Promise<Registration> {
  await deps.limits.hit("register", { ip: clientIp(client), account: validEmail(input.email) });
  // Hashed before the email is looked up, so a taken email costs the same as a new one.
  const accepted = await acceptNewUser(deps, input);
  const now = deps.clock();
  const status = deps.config.requireEmailVerification ? "pending" : "active";
  const outcome =
    (await createAccount(deps, accepted, status, now)) ??
    (await signUpTakenEmail(deps, input, accepted, status, now));

  await deps.audit({
    type: "user.registered",
    outcome: "success",
    userId: outcome.accountId,
    client,
  });
  const tokens = deps.config.requireEmailVerification
    ? null
    : await issueSession(deps, { user: outcome.user, proofs: [PASSWORD], client });
  return { user: outcome.user, tokens };
}

/** The user a sign-up answers with, and the account its audit event names. */
interface SignedUp {
  user: UserRecord;
  accountId: string;
}

/**
 * A sign-up of a new email, the common case, in one statement: the user, its user.created
 * event, its code and the code's mail (one round trip instead of seven, BENCHMARKS.md).
 * Null when the email is taken: the transaction in registerUser then judges the sign-up,
 * a few round trips more (a few milliseconds beside the hash, BENCHMARKS.md). A verified
 * owner's email is answered 409 anyway (README, API reference), and the register limit,
 * per address, bounds how often anyone can time a pending one.
 */
async function createAccount(
  deps: Deps,
  accepted: AcceptedUser,
  status: UserStatus,
  now: Date,
): Promise<SignedUp | null> {
  const user = newUser(accepted, { role: "user", status, emailVerifiedAt: null }, now);
  const record = recordOf(user);
  const { secret, mail } = emailCode(deps, record, now);
  try {
    const created = await deps.stores.users.createAccount({
      user,
      event: userEvent("user.created", record, now),
      code: secret,
      mail,
    });
    return { user: created, accountId: created.id };
  } catch (error) {
    if (error instanceof UniqueViolation && error.field === "email") return null;
    return rethrowUniqueViolation(error);
  }
}

/**
 * A sign-up whose email was taken when createAccount tried it: a pending owner's account
 * waits while this sign-up's data waits with its own code; any other owner is EMAIL_TAKEN.
 * In a transaction that reads the owner first: it may have changed since, or be gone.
 */
async function signUpTakenEmail(
  deps: Deps,
  input: RegisterInput,
  accepted: AcceptedUser,
  status: UserStatus,
  now: Date,
): Promise<SignedUp> {
  const { email, name, username, locale, passwordHash } = accepted;
  return deps.stores
    .transaction(async (stores) => {
      const existing = await stores.users.findByEmail(email);
      if (!existing) {
        const user = await createUser(
          stores,
          accepted,
          { role: "user", status, emailVerifiedAt: null },
          now,
        );
        await issueEmailCode(deps, stores, user, now);
        return { user, accountId: user.id };
      }
      // Only an unverified, pending owner may sign up again: nobody has proven the mailbox yet.
      if (existing.status !== "pending" || existing.emailVerifiedAt !== null) {
        throw new AuthError("EMAIL_TAKEN");
      }
      if (!deps.config.requireEmailVerification) {
        // No mailbox is ever proven here: the latest sign-up takes the account, as before.
        const patch: UserPatch = { passwordHash, status };
        if (input.name !== undefined) patch.name = name;
        if (input.username !== undefined) patch.username = username;
        if (input.locale !== undefined) patch.locale = locale;
        const user = await stores.users.update(existing.id, patch, now);
        if (!user) throw new AuthError("EMAIL_TAKEN");
        return { user, accountId: user.id };
      }
      // Checked now as a new sign-up's would be, and again when its code is verified.
      if (username !== null && (await stores.users.usernameTaken(username, existing.id))) {
        throw new UniqueViolation("username");
      }
      // The account pre-takeover class: the pending account stays as it is, and this
      // sign-up's data waits with its own code; only that code activates it.
      const signUp: SignUpData = {
        id: randomId(),
        passwordHash,
        name,
        username,
        locale,
        signedUpAt: now,
      };
      await issueEmailCode(deps, stores, existing, now, signUp);
      return { user: signUpView(email, signUp, now), accountId: existing.id };
    })
    .catch(rethrowUniqueViolation);
}

/** A repeated sign-up as its caller sees it: the shape of a new one, with only their data. */
function signUpView(email: string, signUp: SignUpData, now: Date): UserRecord {
  return {
    id: signUp.id,
    email,
    name: signUp.name,
    username: signUp.username,
    passwordHash: signUp.passwordHash,
    status: "pending",
    role: "user",
    emailVerifiedAt: null,
    createdAt: now,
    updatedAt: now,
    legacyId: null,
    locale: signUp.locale,
    mfaEnabled: false,
  };
}

function rethrowUniqueViolation(error: unknown): never {
  if (error instanceof UniqueViolation) {
    throw new AuthError(error.field === "email" ? "EMAIL_TAKEN" : "USERNAME_TAKEN", undefined, [
      { field: error.field, message: `This ${error.field} is taken.` },
    ]);
  }
  throw error;
}
