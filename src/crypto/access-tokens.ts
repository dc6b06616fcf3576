import { createHmac, KeyObject, sign as signWith } from "node:crypto";
import type { CryptoKey, JWTHeaderParameters, JWTPayload } from "jose";
import { jwtVerify } from "jose";
import { EDDSA, type KeyRing, type PublicJwks } from "./key-ring.js";
import { randomId } from "./random.js";

export type Role = "user" | "admin";

export interface AccessClaims {
  sub: string;
  email: string;
  role: Role;
  /** Session family id: the refresh-token family this access token was issued from. */
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
}

export interface AccessTokens {
  sign(
    claims: { sub: string; email: string; role: Role; sid: string },
    nowSeconds: number,
  ): Promise<{ token: string; expiresIn: number }>;
  /** Null for anything not a valid, unexpired access token of ours — never throws. */
  verify(token: string, nowSeconds: number): Promise<AccessClaims | null>;
  /** The public JWKS document, built once per key change (not per request). */
  jwks(): { keys: Record<string, string>[] };
}

export interface AccessTokensOptions {
  /** Expected and written `iss`: Config.publicUrl. */
  issuer: string;
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
const HS256 = "HS256";
/** One secret, one key: the kid only has to be present and stable. */
const HS256_KID = "hs256";
/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits. */
const MIN_SECRET_BYTES = 32;
/** Ours are well under 1 KiB; anything far larger is refused before any parsing or crypto. */
const MAX_TOKEN_CHARS = 8192;
/**
 * Tokens already verified, remembered until they expire. A client presents the same access
 * token on every call for its whole lifetime, and an Ed25519 verification costs more CPU than
 * the rest of a GET /auth/me (BENCHMARKS.md). About 1 KiB each: 4,096 cost ~4 MiB at most.
 */
const VERIFIED_CACHE_SIZE = 4096;
const REQUIRED_CLAIMS = ["iss", "sub", "iat", "exp", "jti"];

interface Mode {
  alg: string;
  /** Changes whenever the verifying keys do: a remembered verification is only good for it. */
  keyState(): object;
  /** The current signing key: its kid, and a synchronous signature with it. */
  signer(): { kid: string; sign(input: Buffer): Buffer };
  /** Throws for an unknown kid; jwtVerify turns that into a rejection. */
  verifyingKey(header: JWTHeaderParameters): CryptoKey | Uint8Array;
  jwks(): PublicJwks;
}

export function createAccessTokens(opts: AccessTokensOptions): AccessTokens {
  const mode = opts.jwtSecret !== undefined ? hmacMode(opts.jwtSecret) : ringMode(opts.keyRing);
  const { issuer, ttlSeconds } = opts;
  // Least recently used first: a Map keeps insertion order, and a hit is re-inserted.
  const verified = new Map<string, { claims: AccessClaims; keyState: object }>();
  const verifyOptions = {
    // Exactly the mode's algorithm: no "none", and no HS256 forged with the public key.
    algorithms: [mode.alg],
    issuer,
    typ: ACCESS_TYP,
    requiredClaims: REQUIRED_CLAIMS,
  };

  return {
    async sign(claims, nowSeconds) {
      // Built by hand and signed with node:crypto on this thread: jose's WebCrypto sign goes
      // through the thread pool and cost 3× the CPU of a synchronous Ed25519 sign (~0.04 ms).
      // jose still checks every token we verify, ours included (test/unit/access-tokens).
      const payload = encodeSegment({
        email: claims.email,
        role: claims.role,
        sid: claims.sid,
        sub: claims.sub,
        iss: issuer,
        iat: nowSeconds,
        exp: nowSeconds + ttlSeconds,
        jti: randomId(),
      });
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
    const attempt = async () => {
      const { payload } = await jwtVerify(token, (header) => mode.verifyingKey(header), {
        ...verifyOptions,
        currentDate: new Date(nowSeconds * 1000),
      });
      return toClaims(payload);
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

function hmacMode(secret: string): Mode {
  const key = new TextEncoder().encode(secret);
  if (key.byteLength < MIN_SECRET_BYTES) {
    throw new Error(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (RFC 7518 §3.2)`);
  }
  // A shared secret is never published.
  const empty: PublicJwks = Object.freeze({ keys: [] });
  return {
    alg: HS256,
    keyState: () => empty,
    signer: () => ({
      kid: HS256_KID,
      sign: (input) => createHmac("sha256", key).update(input).digest(),
    }),
    verifyingKey(header) {
      if (header.kid !== HS256_KID) throw new Error("unknown kid");
      return key;
    },
    jwks: () => empty,
  };
}

function ringMode(ring: KeyRing | undefined): Mode {
  if (!ring) throw new Error("createAccessTokens needs a jwtSecret or a keyRing");
  return {
    alg: EDDSA,
    // The ring builds a new JWKS object whenever it loads keys, and only then.
    keyState: () => ring.jwks(),
    signer() {
      const { kid, privateKey } = ring.current();
      const key = keyObjectOf(privateKey);
      // Ed25519 takes no digest: the algorithm is the key's (RFC 8037 §3.1).
      return { kid, sign: (input) => signWith(null, input, key) };
    },
    verifyingKey(header) {
      const key = header.kid === undefined ? null : ring.publicKey(header.kid);
      if (!key) throw new UnknownKidError();
      return key;
    },
    jwks: () => ring.jwks(),
  };
}

/** node:crypto's handle of a WebCrypto key, made once per key. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();
function keyObjectOf(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    keyObjects.set(key, object);
  }
  return object;
}

/** One JWS segment: base64url of the JSON (RFC 7515 §7.1). */
function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

class UnknownKidError extends Error {
  constructor() {
    super("unknown kid");
  }
}

/** The signature proves we wrote it; this proves it has the shape we write. */
function toClaims(payload: JWTPayload): AccessClaims | null {
  const { sub, email, role, sid, jti, iat, exp, iss } = payload;
  if (
    typeof sub !== "string" ||
    typeof email !== "string" ||
    (role !== "user" && role !== "admin") ||
    typeof sid !== "string" ||
    typeof jti !== "string" ||
    typeof iat !== "number" ||
    typeof exp !== "number" ||
    typeof iss !== "string"
  ) {
    return null;
  }
  return { sub, email, role, sid, jti, iat, exp, iss };
}
