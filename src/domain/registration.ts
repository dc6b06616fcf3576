import { randomId } from "../crypto/random.js";
import { AuthError, fieldError } from "../errors.js";
import { type Locale, parseLocaleTag, SUPPORTED_LOCALES } from "../i18n/locales.js";
import { UniqueViolation, type UserPatch, type UserRecord } from "../storage/ports.js";
import { type ClientContext, clientIp, type Deps } from "./deps.js";
import { isSpent, issueEmailCode } from "./email-codes.js";
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

  deps.hasher.admit?.();
  // Hash before looking the email up, so a taken email costs the same as a new one.
  const passwordHash = await deps.hasher.hash(password);
  const now = deps.clock();
  const status = deps.config.requireEmailVerification ? "pending" : "active";

  const user = await deps.stores
    .transaction(async (stores) => {
      const existing = await stores.users.findByEmail(email);
      let user: UserRecord | null;
      if (existing) {
        // Only an unverified, pending owner may be overwritten: nobody has proven the mailbox yet.
        if (existing.status !== "pending" || existing.emailVerifiedAt !== null) {
          throw new AuthError("EMAIL_TAKEN");
        }
        const patch: UserPatch = { passwordHash, status };
        if (name !== undefined) patch.name = name;
        if (username !== undefined) patch.username = username;
        if (locale !== undefined) patch.locale = locale;
        user = await stores.users.update(existing.id, patch, now);
      } else {
        user = await stores.users.create({
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
      }
      if (!user) throw new AuthError("EMAIL_TAKEN");
      // A code with every try spent stays until it expires: a new one would inherit the
      // spent count and could never work, so none is mailed until then.
      const last = existing ? await stores.codes.find(existing.id, "email") : null;
      const spent = last !== null && isSpent(deps, last, now);
      if (!spent) await issueEmailCode(deps, stores, user, now);
      return user;
    })
    .catch(rethrowUniqueViolation);

  await deps.audit({ type: "user.registered", outcome: "success", userId: user.id, client });
  const tokens = deps.config.requireEmailVerification
    ? null
    : await startSession(deps, user, client, PASSWORD_SIGN_IN);
  return { user, tokens };
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
