import { randomId } from "../crypto/random.js";
import { fieldError } from "../errors.js";
import { type Locale, parseLocaleTag, SUPPORTED_LOCALES } from "../i18n/locales.js";
import type { NewUser, Stores, UserRecord } from "../storage/ports.js";
import type { Deps } from "./deps.js";
import { normalizeName, normalizeUsername } from "./input-rules.js";
import { acceptablePassword, required, validEmail } from "./validate.js";
import type { UserRole, UserStatus } from "./vocabulary.js";
import { recordUserEvent } from "./webhook-events.js";

export interface NewUserInput {
  email: string;
  password: string;
  name?: string | undefined;
  username?: string | undefined;
  /** Language of the user's mail: a tag of a supported language ("es", "de-AT"). */
  locale?: string | undefined;
}

/** How the caller names each input in an error: a CLI flag, an environment variable. */
export type FieldNames = Partial<Record<keyof NewUserInput, string>>;

/** A new user's data, checked, with the password hashed. */
export interface AcceptedUser {
  email: string;
  name: string | null;
  username: string | null;
  locale: Locale | null;
  passwordHash: string;
}

/**
 * The rules every way of making a user shares (sign-up, the bootstrap admin, the CLI):
 * email, name, username and locale normalised, the password held to length and policy
 * (common, breached, context words), then hashed. Everything is checked before the hash.
 */
export async function acceptNewUser(
  deps: Deps,
  input: NewUserInput,
  fields: FieldNames = {},
): Promise<AcceptedUser> {
  const email = validEmail(input.email, fields.email);
  const name =
    input.name === undefined ? null : required(fields.name ?? "name", normalizeName(input.name));
  const username =
    input.username === undefined
      ? null
      : required(fields.username ?? "username", normalizeUsername(input.username));
  const locale =
    input.locale === undefined ? null : validLocale(input.locale, fields.locale ?? "locale");
  const password = await acceptablePassword(
    deps,
    input.password,
    { email, name, username },
    fields.password,
  );
  // Shed load before hashing when the hashing queue is full (503 + Retry-After).
  deps.hasher.admit();
  const passwordHash = await deps.hasher.hash(password);
  return { email, name, username, locale, passwordHash };
}

/**
 * The password hash of an account that has none (one made by another provider). It is no
 * hash format the hasher knows, so it never verifies: a password login answers 401 like
 * any wrong password, after the same work (crypto/password.ts). Forgot-password sets one.
 */
export const NO_PASSWORD = "!none";

export function hasPassword(user: UserRecord): boolean {
  return user.passwordHash !== NO_PASSWORD;
}

/** Where a new user starts: a sign-up is a pending user, an operator's may start active. */
export interface Standing {
  role: UserRole;
  status: UserStatus;
  emailVerifiedAt: Date | null;
}

/**
 * Stores an accepted user, and its user.created webhook event in the same transaction (the
 * caller's, or one of its own); a taken email or username is the store's UniqueViolation.
 */
export function createUser(
  stores: Stores,
  user: AcceptedUser,
  standing: Standing,
  now: Date,
): Promise<UserRecord> {
  return stores.transaction(async (trx) => {
    const created = await trx.users.create(newUser(user, standing, now));
    await recordUserEvent(trx, "user.created", created, now);
    return created;
  });
}

export function newUser(user: AcceptedUser, standing: Standing, now: Date): NewUser {
  return { id: randomId(), ...user, ...standing, now };
}

/**
 * The record a new user's row reads back as, known before it is written: what its
 * user.created event says when the event is written in the same statement as the row.
 */
export function recordOf(user: NewUser): UserRecord {
  const { now, createdAt, legacyId, locale, ...fields } = user;
  return {
    ...fields,
    createdAt: createdAt ?? now,
    updatedAt: now,
    legacyId: legacyId ?? null,
    locale: locale ?? null,
    mfaEnabled: false,
  };
}

/** Stored as the language alone ("es-MX" → "es"): mail and pages are per language. */
function validLocale(tag: string, field: string): Locale {
  const locale = parseLocaleTag(tag);
  if (!locale) throw fieldError(field, `Locale must be one of ${SUPPORTED_LOCALES.join(", ")}.`);
  return locale;
}
