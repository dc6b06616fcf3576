/**
 * Pure input rules shared by every flow. Each returns the normalised value, or an
 * error sentence for the field; the caller turns that into VALIDATION_FAILED.
 */

import { isUuid } from "../crypto/random.js";
import type { RuleResult } from "../rules/email.js";

export { normalizeEmail, type RuleResult } from "../rules/email.js";

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
