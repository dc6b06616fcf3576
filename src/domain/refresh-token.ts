import { sha256 } from "../crypto/digest.js";
import { randomToken, uuidText } from "../crypto/random.js";
import type { RefreshTokenRef } from "../storage/ports.js";

/** 16 bytes of a UUID in base64url, without padding. */
const SELECTOR = /^[A-Za-z0-9_-]{22}$/;

/**
 * `<session id>.<secret>` (selector and verifier): the store reads the session by its
 * primary key, which is time-ordered and hot, and compares the stored SHA-256 of the whole
 * token, instead of searching the table's largest index (random keys) for the hash. The
 * secret alone is 256 random bits, as every refresh token was (RFC 6749 §10.10); the id adds
 * none and hides nothing (it is the session's row, not a credential).
 */
export function newRefreshToken(sessionId: string): { token: string; tokenHash: string } {
  const token = `${Buffer.from(sessionId.replaceAll("-", ""), "hex").toString("base64url")}.${randomToken()}`;
  return { token, tokenHash: sha256(token) };
}

/**
 * What a presented token names. A token with no dot is one issued before this format
 * (still valid until it expires); one whose part before the dot is not an id is found by its
 * hash too, and so matches nothing.
 */
export function refreshTokenRef(token: string): RefreshTokenRef {
  const tokenHash = sha256(token);
  const dot = token.indexOf(".");
  const selector = dot === -1 ? "" : token.slice(0, dot);
  if (!SELECTOR.test(selector)) return { sessionId: null, tokenHash };
  return { sessionId: uuidText(Buffer.from(selector, "base64url")), tokenHash };
}
