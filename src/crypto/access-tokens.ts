import { jwtVerify } from "jose";
import type { UserRole } from "../domain/vocabulary.js";
import {
  type AccessClaims,
  type Assurance,
  buildClaims,
  CLAIM_NAMES,
  type IssuerClaims,
  readClaims,
  type SessionClaims,
} from "./access-claims.js";
import type { KeyRing } from "./key-ring.js";
import { hmacMode, ringMode, UnknownKidError } from "./token-signers.js";

// Where the storage, domain and HTTP layers have always found these types.
export type { Aal, AuthMethod } from "../domain/vocabulary.js";
export { LATCHKEY_CLIENT_ID } from "./access-claims.js";
export type { AccessClaims, Assurance };
export type Role = UserRole;

export interface AccessTokens {
  sign(claims: SessionClaims, nowSeconds: number): Promise<{ token: string; expiresIn: number }>;
  /** Null for anything not a valid, unexpired access token of ours — never throws. */
  verify(token: string, nowSeconds: number): Promise<AccessClaims | null>;
  /** The public JWKS document, built once per key change (not per request). */
  jwks(): { keys: Record<string, string>[] };
}

export interface AccessTokensOptions {
  /** Expected and written `iss`: Config.publicUrl. */
  issuer: string;
  /** Written `aud`, and the audiences a token must name one of: Config.accessTokenAudience. */
  audience: readonly string[];
  ttlSeconds: number;
  /** Set: HS256 with this secret. Unset: EdDSA with keyRing. */
  jwtSecret?: string | undefined;
  keyRing?: KeyRing | undefined;
  /**
   * Called when a token names a kid the ring does not know: reload the keys and say
   * whether anything new may have arrived (callers throttle it against kid floods).
   */
  onUnknownKid?: (() => Promise<boolean>) | undefined;
}

/** RFC 9068 §2.1: access tokens say what they are, so an ID token or any other JWT is refused. */
const ACCESS_TYP = "at+jwt";
/** Ours are well under 1 KiB; anything far larger is refused before any parsing or crypto. */
const MAX_TOKEN_CHARS = 8192;
/**
 * Tokens already verified, remembered until they expire. A client presents the same access
 * token on every call for its whole lifetime, and an Ed25519 verification costs more CPU than
 * the rest of a GET /auth/me (BENCHMARKS.md). About 1 KiB each: 4,096 cost ~4 MiB at most.
 */
const VERIFIED_CACHE_SIZE = 4096;

export function createAccessTokens(opts: AccessTokensOptions): AccessTokens {
  const mode = opts.jwtSecret !== undefined ? hmacMode(opts.jwtSecret) : ringMode(opts.keyRing);
  const { issuer, ttlSeconds } = opts;
  if (opts.audience.length === 0) throw new Error("access tokens need at least one audience");
  const issued: IssuerClaims = {
    issuer,
    audience: opts.audience.length === 1 ? (opts.audience[0] as string) : [...opts.audience],
    ttlSeconds,
  };
  // Least recently used first: a Map keeps insertion order, and a hit is re-inserted.
  const verified = new Map<string, { claims: AccessClaims; keyState: object }>();
  const verifyOptions = {
    // Exactly the mode's algorithm: no "none", and no HS256 forged with the public key.
    algorithms: [mode.alg],
    issuer,
    audience: [...opts.audience],
    typ: ACCESS_TYP,
    requiredClaims: CLAIM_NAMES,
  };

  return {
    async sign(claims, nowSeconds) {
      // Built by hand and signed with node:crypto on this thread: jose's WebCrypto sign goes
      // through the thread pool and costs several times the CPU of a synchronous Ed25519
      // sign (BENCHMARKS.md). jose still checks every token we verify, ours included
      // (test/unit/access-tokens).
      const payload = encodeSegment(buildClaims(claims, issued, nowSeconds));
      const signer = mode.signer();
      const input = `${encodeSegment({ alg: mode.alg, typ: ACCESS_TYP, kid: signer.kid })}.${payload}`;
      const signature = signer.sign(Buffer.from(input)).toString("base64url");
      return { token: `${input}.${signature}`, expiresIn: ttlSeconds };
    },

    async verify(token, nowSeconds) {
      if (typeof token !== "string" || token.length > MAX_TOKEN_CHARS) return null;
      const known = verified.get(token);
      if (known) {
        verified.delete(token);
        // The signature cannot have changed; the clock and the published keys can.
        if (known.claims.exp <= nowSeconds) return null;
        if (known.keyState === mode.keyState()) {
          verified.set(token, known);
          return known.claims;
        }
      }
      const keyState = mode.keyState();
      const claims = await verifyAfresh(token, nowSeconds);
      // Only successes are kept, so garbage tokens cannot push the real ones out; nor is a
      // token judged while the keys were reloaded, since which keys judged it is unclear.
      if (claims && mode.keyState() === keyState) {
        if (verified.size >= VERIFIED_CACHE_SIZE) {
          const oldest = verified.keys().next();
          if (!oldest.done) verified.delete(oldest.value);
        }
        verified.set(token, { claims, keyState });
      }
      return claims;
    },

    jwks: () => mode.jwks(),
  };

  async function verifyAfresh(token: string, nowSeconds: number): Promise<AccessClaims | null> {
    if (!hasCanonicalSignature(token)) return null;
    const attempt = async () => {
      const { payload } = await jwtVerify(token, (header) => mode.verifyingKey(header), {
        ...verifyOptions,
        currentDate: new Date(nowSeconds * 1000),
      });
      return readClaims(payload);
    };
    try {
      return await attempt();
    } catch (error) {
      // A key rotated on another instance: learn it once, then judge the token again.
      if (error instanceof UnknownKidError && opts.onUnknownKid && (await opts.onUnknownKid())) {
        return attempt().catch(() => null);
      }
      // Bad signature, expired, wrong iss/typ/alg, unknown kid, not a JWT at all: all "no".
      return null;
    }
  }
}

/** One JWS segment: base64url of the JSON (RFC 7515 §7.1). */
function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/**
 * Base64url leaves bits unused in a signature's last character (4 for Ed25519's 64 bytes, 2
 * for HS256's 32), and decoders ignore them: without this, 16 spellings of one Ed25519
 * signature verify, so one token has many strings. RFC 7515 §2 and RFC 4648 §3.5 make the
 * unpadded form with zero pad bits the only encoding; a token is one exact string.
 */
function hasCanonicalSignature(token: string): boolean {
  const signature = token.slice(token.lastIndexOf(".") + 1);
  return Buffer.from(signature, "base64url").toString("base64url") === signature;
}
