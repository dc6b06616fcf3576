/**
 * One mongoexport user document -> the fields of a Latchkey user, with the rules sign-up
 * applies. Pure: the caller gives the clock. Field names are those of the older systems
 * of this family (see README "Importing users").
 */
import { normalizeEmail, normalizeName, normalizeUsername } from "../../domain/input-rules.js";
import { USER_ROLES, USER_STATUSES } from "../../domain/vocabulary.js";
import type { UserRecord } from "../../storage/ports.js";
import { decodeExtendedJson, ExtendedJsonError, ObjectId } from "./extended-json.js";

/** A user as the import makes it: a stored user without the ids and times we assign. */
export type ImportedUser = Omit<UserRecord, "id" | "updatedAt" | "mfaEnabled">;

export type MapResult = { ok: true; user: ImportedUser } | { ok: false; problems: string[] };

// bcrypt as PHP ($2y$), OpenBSD ($2b$) and older libraries ($2a$) write it, cost 04-31:
// @node-rs/bcrypt verifies all three and the hasher upgrades them to argon2id at next login.
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;
// What Latchkey itself stores (an export made with --with-hashes).
const ARGON2ID = /^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
// BCP 47 language tag, loosely: "en", "pt-BR", "zh-Hant-TW".
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;
const VERIFIED_ALIASES = ["isVerified", "verified", "emailVerified"] as const;

/** Parses one record's text (JSON, canonical or relaxed Extended JSON) and maps it. */
export function parseUserRecord(text: string, now: Date): MapResult {
  let document: unknown;
  try {
    document = decodeExtendedJson(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) return fail(`not valid JSON (${error.message})`);
    if (error instanceof ExtendedJsonError) return fail(error.message);
    throw error;
  }
  return mapUser(document, now);
}

export function mapUser(document: unknown, now: Date): MapResult {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    return fail("not a JSON object");
  }
  const doc = document as Record<string, unknown>;
  const problems: string[] = [];
  const check = <T>(
    field: string,
    result: { ok: true; value: T } | { ok: false; message: string },
  ) => {
    if (result.ok) return result.value;
    problems.push(`${field}: ${result.message}`);
    return undefined;
  };

  const email = check("email", emailOf(doc.email));
  const name = check("name", optionalText(doc.name, normalizeName));
  const username = check("username", optionalText(doc.username, normalizeUsername));
  const passwordField =
    doc.password === undefined && doc.passwordHash !== undefined ? "passwordHash" : "password";
  const passwordHash = check(passwordField, hashOf(doc[passwordField]));
  const status = check("status", choice(doc.status, USER_STATUSES));
  const isBlocked = check("isBlocked", optionalBoolean(doc.isBlocked));
  const role = check("role", choice(doc.role, USER_ROLES));
  const legacyId = check("_id", legacyIdOf(doc._id ?? doc.legacyId));
  const createdAt = check("createdAt", dateOf(doc.createdAt));
  const locale = check("locale", localeOf(doc.locale));
  let verified: Date | true | null = null;
  for (const alias of VERIFIED_ALIASES) {
    const value = check(alias, verifiedOf(doc[alias]));
    if (value !== null && value !== undefined && verified === null) verified = value;
  }
  if (problems.length > 0) return { ok: false, problems };

  // Without a createdAt, an ObjectId still says when the document was made.
  const created = createdAt ?? (doc._id instanceof ObjectId ? doc._id.timestamp : now);
  const blocked = status === "blocked" || isBlocked === true;
  // An account the older system let sign in as active had its email accepted there: it
  // counts as verified (since its creation) unless the record says it is not.
  const saysUnverified = VERIFIED_ALIASES.some((alias) => doc[alias] === false);
  const activeUnflagged = verified === null && !blocked && status === "active" && !saysUnverified;
  const emailVerifiedAt = verified === true || activeUnflagged ? created : verified;
  return {
    ok: true,
    user: {
      email: email as string,
      name: name ?? null,
      username: username ?? null,
      passwordHash: passwordHash as string,
      // A verified email makes the account active unless it is blocked; one the record says
      // is unverified keeps the status it had (an older system may not have asked).
      status: blocked ? "blocked" : emailVerifiedAt ? "active" : (status ?? "pending"),
      role: role ?? "user",
      emailVerifiedAt,
      createdAt: created,
      legacyId: legacyId ?? null,
      locale: locale ?? null,
    },
  };
}

type Rule<T> = { ok: true; value: T } | { ok: false; message: string };

function fail(problem: string): MapResult {
  return { ok: false, problems: [problem] };
}

function emailOf(value: unknown): Rule<string> {
  if (value === undefined || value === null) return { ok: false, message: "missing" };
  if (typeof value !== "string") return { ok: false, message: "must be a string" };
  return normalizeEmail(value);
}

/** Absent, null and "" all mean "none"; anything else must pass the sign-up rule. */
function optionalText(
  value: unknown,
  rule: (raw: string) => Rule<string>,
): Rule<string | undefined> {
  if (value === undefined || value === null || value === "") return { ok: true, value: undefined };
  if (typeof value !== "string") return { ok: false, message: "must be a string" };
  return rule(value);
}

function hashOf(value: unknown): Rule<string> {
  if (value === undefined || value === null || value === "") {
    return { ok: false, message: "missing (a bcrypt hash is required)" };
  }
  if (typeof value !== "string" || !(BCRYPT.test(value) || ARGON2ID.test(value))) {
    return { ok: false, message: "not a bcrypt hash ($2a$, $2b$ or $2y$)" };
  }
  return { ok: true, value };
}

function choice<T extends string>(value: unknown, allowed: readonly T[]): Rule<T | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  const found =
    typeof value === "string" ? allowed.find((c) => c === value.trim().toLowerCase()) : undefined;
  if (found === undefined) {
    return {
      ok: false,
      message: `must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`,
    };
  }
  return { ok: true, value: found };
}

function optionalBoolean(value: unknown): Rule<boolean | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value === "boolean") return { ok: true, value };
  return { ok: false, message: `must be true or false, not ${JSON.stringify(value)}` };
}

/** true, false, or the date it was verified (some systems kept a date in the flag's place). */
function verifiedOf(value: unknown): Rule<Date | true | null> {
  if (value === undefined || value === null || value === false) return { ok: true, value: null };
  if (value === true) return { ok: true, value: true };
  if (value instanceof Date) return { ok: true, value };
  return { ok: false, message: `must be true, false or a date, not ${JSON.stringify(value)}` };
}

function legacyIdOf(value: unknown): Rule<string | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (value instanceof ObjectId) return { ok: true, value: value.hex };
  if (typeof value === "string" && value.trim() !== "") return { ok: true, value: value.trim() };
  if (typeof value === "number" && Number.isFinite(value))
    return { ok: true, value: String(value) };
  return { ok: false, message: "must be an ObjectId, a string or a number" };
}

function dateOf(value: unknown): Rule<Date | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  const date =
    value instanceof Date
      ? value
      : typeof value === "string" || typeof value === "number"
        ? new Date(value)
        : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    return { ok: false, message: `not a date: ${JSON.stringify(value)}` };
  }
  return { ok: true, value: date };
}

function localeOf(value: unknown): Rule<string | undefined> {
  if (value === undefined || value === null || value === "") return { ok: true, value: undefined };
  if (typeof value !== "string" || !LOCALE.test(value)) {
    return { ok: false, message: `not a language tag: ${JSON.stringify(value)}` };
  }
  return { ok: true, value };
}
