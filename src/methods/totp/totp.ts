import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";

/**
 * RFC 6238 as authenticator apps speak it: HMAC-SHA-1, 6 digits, 30-second steps (the
 * parameters Google Authenticator and most apps assume; others are ignored by some).
 */
const ALGORITHM = "SHA1";
const DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** One step either way: a phone's clock a little off, or a code typed as it rolled over. */
const DRIFT_STEPS = 1;
/** 160 bits: RFC 4226 §4's recommended shared-secret length, and the API reference's. */
export const TOTP_SECRET_BYTES = 20;

const CODE = /^[0-9]{6}$/;

export function newTotpSecret(): Buffer {
  return randomBytes(TOTP_SECRET_BYTES);
}

/** The secret as apps want it typed: base32 (RFC 4648), no padding. */
export function base32Of(secret: Uint8Array): string {
  return new Secret({ buffer: toArrayBuffer(secret) }).base32;
}

/** The otpauth:// URL an app scans (Key Uri Format): issuer and account name its entry. */
export function otpauthUrl(secret: Uint8Array, who: { issuer: string; account: string }): string {
  return totpFor(secret, who).toString();
}

/**
 * The time step the code belongs to, within the allowed drift, or null. The caller must
 * still claim the step (a step is accepted once per factor): a correct code is not enough.
 * otpauth compares with crypto.timingSafeEqual; the shape is checked first, because a
 * code of 6 characters but more bytes would make that compare throw.
 */
export function matchingStep(secret: Uint8Array, code: string, now: Date): number | null {
  if (!CODE.test(code)) return null;
  const delta = totpFor(secret).validate({
    token: code,
    timestamp: now.getTime(),
    window: DRIFT_STEPS,
  });
  return delta === null ? null : stepAt(now) + delta;
}

/** The RFC 6238 counter T at this moment. */
export function stepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of a step: for tests and for an app of our own (the browser test types it). */
export function codeAt(secret: Uint8Array, now: Date): string {
  return totpFor(secret).generate({ timestamp: now.getTime() });
}

function totpFor(secret: Uint8Array, who?: { issuer: string; account: string }): TOTP {
  return new TOTP({
    ...(who ? { issuer: who.issuer, label: who.account } : {}),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: new Secret({ buffer: toArrayBuffer(secret) }),
  });
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
