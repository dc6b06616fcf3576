/**
 * Pure input rules shared by every flow. Each returns the normalised value, or an
 * error sentence for the field; the caller turns that into VALIDATION_FAILED.
 */

import { isUuid } from "../crypto/random.js";

export type RuleResult = { ok: true; value: string } | { ok: false; message: string };

// RFC 5321 §4.5.3.1.3: a path is at most 256 octets, so an address at most 254.
const EMAIL_MAX_LENGTH = 254;
// RFC 5321 §4.5.3.1.1: the local part is at most 64 octets.
const LOCAL_PART_MAX_LENGTH = 64;
// RFC 5322 §3.2.3 dot-atom: atext runs separated by single dots. Quoted local parts are refused.
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// RFC 1035 labels (LDH), at least two of them; reserved names such as .test are fine.
const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function normalizeEmail(raw: string): RuleResult {
  const email = raw.trim().toLowerCase();
  if (email.length === 0) return { ok: false, message: "Email is required." };
  if (email.length > EMAIL_MAX_LENGTH) {
    return { ok: false, message: `Email must be at most ${EMAIL_MAX_LENGTH} characters.` };
  }
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (
    at <= 0 ||
    local.length > LOCAL_PART_MAX_LENGTH ||
    !DOT_ATOM.test(local) ||
    !DOMAIN.test(domain)
  ) {
    return { ok: false, message: "Email is not a valid address." };
  }
  return { ok: true, value: email };
}

const USERNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,30}[A-Za-z0-9])?$/;

export function normalizeUsername(raw: string): RuleResult {
  const username = raw.trim();
  if (username.length < 3 || username.length > 32 || !USERNAME.test(username)) {
    return {
      ok: false,
      message:
        "Username must be 3 to 32 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.",
    };
  }
  return { ok: true, value: username };
}

const NAME_MAX_LENGTH = 100;
// Control characters never belong in a display name (they break mail headers and logs).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function normalizeName(raw: string): RuleResult {
  const name = raw.normalize("NFC").trim();
  if (name.length === 0) return { ok: false, message: "Name must not be empty." };
  if ([...name].length > NAME_MAX_LENGTH) {
    return { ok: false, message: `Name must be at most ${NAME_MAX_LENGTH} characters.` };
  }
  if (CONTROL.test(name))
    return { ok: false, message: "Name must not contain control characters." };
  return { ok: true, value: name };
}

const CODE = /^\d{6}$/;

export function isCode(value: string): boolean {
  return CODE.test(value);
}

/** Ids are UUIDs; anything else cannot name a user and must not reach a uuid column. */
export const isUserId = isUuid;
