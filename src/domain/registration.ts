import { randomId } from "../crypto/random.js";
import { AuthError, fieldError } from "../errors.js";
import { type Locale, parseLocaleTag, SUPPORTED_LOCALES } from "../i18n/locales.js";
import {
  type SignUpData,
  UniqueViolation,
  type UserPatch,
  type UserRecord,
} from "../storage/ports.js";
import { type ClientContext, clientIp, type Deps } from "./deps.js";
import { issueEmailCode } from "./email-codes.js";
import { normalizeName, normalizeUsername } from "./input-rules.js";
import { PASSWORD_SIGN_IN, startSession, type TokenBundle } from "./sessions.js";
import { acceptablePassword, required, validEmail } from "./validate.js";

export interface RegisterInput {
  email: string;
  password: string;
  name?: string | undefined;
  username?: string | undefined;
  /** Language of the user's mail: a tag of a supported language ("es", "de-AT"). */
  locale?: string | undefined;
}

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
  const email = validEmail(input.email);
  await deps.limits.hit("register", { ip: clientIp(client), account: email });
  const name = input.name === undefined ? undefined : required("name", normalizeName(input.name));
  const username =
    input.username === undefined
      ? undefined
      : required("username", normalizeUsername(input.username));
  const locale = input.locale === undefined ? undefined : validLocale(input.locale);
  const password = await acceptablePassword(deps, input.password, { email, name, username });

  deps.hasher.admit();
  // Hash before looking the email up, so a taken email costs the same as a new one.
  const passwordHash = await deps.hasher.hash(password);
  const now = deps.clock();
  const status = deps.config.requireEmailVerification ? "pending" : "active";

  const outcome = await deps.stores
    .transaction(async (stores) => {
      const existing = await stores.users.findByEmail(email);
      if (!existing) {
        const user = await stores.users.create({
          id: randomId(),
          email,
          name: name ?? null,
          username: username ?? null,
          passwordHash,
          status,
          role: "user",
          emailVerifiedAt: null,
          locale: locale ?? null,
          now,
        });
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
        if (name !== undefined) patch.name = name;
        if (username !== undefined) patch.username = username;
        if (locale !== undefined) patch.locale = locale;
        const user = await stores.users.update(existing.id, patch, now);
        if (!user) throw new AuthError("EMAIL_TAKEN");
        return { user, accountId: user.id };
      }
      // Checked now as a new sign-up's would be, and again when its code is verified.
      if (username !== undefined && (await stores.users.usernameTaken(username, existing.id))) {
        throw new UniqueViolation("username");
      }
      // The account pre-takeover class: the pending account stays as it is, and this
      // sign-up's data waits with its own code; only that code activates it.
      const signUp: SignUpData = {
        id: randomId(),
        passwordHash,
        name: name ?? null,
        username: username ?? null,
        locale: locale ?? null,
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
    : await startSession(deps, outcome.user, client, PASSWORD_SIGN_IN);
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
  };
}

/** Stored as the language alone ("es-MX" → "es"): mail and pages are per language. */
function validLocale(tag: string): Locale {
  const locale = parseLocaleTag(tag);
  if (!locale) throw fieldError("locale", `Locale must be one of ${SUPPORTED_LOCALES.join(", ")}.`);
  return locale;
}

function rethrowUniqueViolation(error: unknown): never {
  if (error instanceof UniqueViolation) {
    throw new AuthError(error.field === "email" ? "EMAIL_TAKEN" : "USERNAME_TAKEN", undefined, [
      { field: error.field, message: `This ${error.field} is taken.` },
    ]);
  }
  throw error;
}
