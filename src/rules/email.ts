/**
 * The email rule shared by the domain (sign-up, login, recovery) and the configuration
 * (BOOTSTRAP_ADMIN_EMAIL): a leaf that imports nothing, so config need not import the domain.
 */

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
