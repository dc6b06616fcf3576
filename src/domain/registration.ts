import { randomId } from "../crypto/random.js";
import { AuthError } from "../errors.js";
import {
  type SignUpData,
  UniqueViolation,
  type UserPatch,
  type UserRecord,
} from "../storage/ports.js";
import { type ClientContext, clientIp } from "./client.js";
import { acceptNewUser, createUser, type NewUserInput } from "./create-user.js";
import type { Deps } from "./deps.js";
import { issueEmailCode } from "./email-codes.js";
import { PASSWORD } from "./sign-in/assurance.js";
import { issueSession, type TokenBundle } from "./sign-in/issue-session.js";
import { validEmail } from "./validate.js";

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
  const { email, name, username, locale, passwordHash } = accepted;
  const now = deps.clock();
  const status = deps.config.requireEmailVerification ? "pending" : "active";

  const outcome = await deps.stores
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
