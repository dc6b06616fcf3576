import { randomBytes, randomInt, randomUUID } from "node:crypto";

/**
 * A URL-safe random token. 32 bytes = 256 bits: the API reference's floor for reset and refresh
 * tokens, well past RFC 6749 §10.10 (guessing odds at most 2^-128, should be 2^-160).
 */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Exactly 6 digits (README, API reference). randomInt draws uniformly (rejection sampling), so there is
 * no modulo bias; brute force is held off by CODE_MAX_ATTEMPTS and a short TTL, not by length.
 */
export function randomCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/**
 * A UUIDv7 (RFC 9562): milliseconds since the epoch up front, then a counter within the
 * millisecond (RFC 9562 §6.2, method 1), then randomness. Ids made later in a process
 * sort later, so audit events written in one millisecond keep their order.
 */
let lastMs = -1;
let sequence = 0;
export function timeOrderedId(now: Date): string {
  const ms = now.getTime();
  sequence = ms === lastMs ? (sequence + 1) & 0xfff : randomInt(0, 0x400);
  lastMs = ms;
  const bytes = randomBytes(16);
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(ms / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return uuidText(bytes);
}

/** The 16 bytes of a UUID in its text form (RFC 9562 §4). */
export function uuidText(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Random (v4) UUID for row ids and JWT ids. */
export function randomId(): string {
  return randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Row ids are UUIDs; anything else cannot name a row and must not reach a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
