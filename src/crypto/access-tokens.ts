import { createHmac, KeyObject, sign as signWith } from "node:crypto";
import type { CryptoKey, JWTHeaderParameters, JWTPayload } from "jose";
import { jwtVerify } from "jose";
import {
  AALS,
  type Aal,
  AUTH_METHODS,
  type AuthMethod,
  isOneOf,
  type UserRole,
} from "../domain/vocabulary.js";
import { EDDSA, type KeyRing, type PublicJwks } from "./key-ring.js";
import { randomId } from "./random.js";

export type { Aal, AuthMethod };
export type Role = UserRole;

/** The application a token is issued to: Latchkey's own API and pages. */
export const LATCHKEY_CLIENT_ID = "latchkey";

/** What a session asserts about how its user was proven; carried through every refresh. */
export interface Assurance {
  aal: Aal;
  amr: AuthMethod[];
}

export interface AccessClaims extends Assurance {
  sub: string;
  email: string;
  role: Role;
  /** Session family id: the refresh-token family this access token was issued from. */
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  /** RFC 9068 §2.2: one audience as a string, several as an array (ACCESS_TOKEN_AUDIENCE). */
  aud: string | string[];
  client_id: string;
}

export interface AccessTokens {
  sign(
    claims: { sub: string; email: string; role: Role; sid: string } & Assurance,
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
const REQUIRED_CLAIMS = ["iss", "sub", "aud", "iat", "exp", "jti"];

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
  if (opts.audience.length === 0) throw new Error("access tokens need at least one audience");
  const audience = opts.audience.length === 1 ? (opts.audience[0] as string) : [...opts.audience];
  // Least recently used first: a Map keeps insertion order, and a hit is re-inserted.
  const verified = new Map<string, { claims: AccessClaims; keyState: object }>();
  const verifyOptions = {
    // Exactly the mode's algorithm: no "none", and no HS256 forged with the public key.
    algorithms: [mode.alg],
    issuer,
    audience: [...opts.audience],
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
        aud: audience,
        client_id: LATCHKEY_CLIENT_ID,
        aal: claims.aal,
        amr: claims.amr,
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
    if (!hasCanonicalSignature(token)) return null;
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

function isAssurance(aal: unknown, amr: unknown): aal is Aal {
  return (
    isOneOf(AALS, aal) &&
    Array.isArray(amr) &&
    amr.length > 0 &&
    amr.every((method) => isOneOf(AUTH_METHODS, method))
  );
}

function isAudience(aud: unknown): aud is string | string[] {
  return (
    typeof aud === "string" ||
    (Array.isArray(aud) && aud.every((entry) => typeof entry === "string"))
  );
}

/** The signature proves we wrote it; this proves it has the shape we write. */
function toClaims(payload: JWTPayload): AccessClaims | null {
  const { sub, email, role, sid, jti, iat, exp, iss, aud, client_id, aal, amr } = payload;
  if (
    !isAssurance(aal, amr) ||
    !isAudience(aud) ||
    typeof client_id !== "string" ||
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
  return {
    sub,
    email,
    role,
    sid,
    jti,
    iat,
    exp,
    iss,
    aud,
    client_id,
    aal,
    amr: amr as AuthMethod[],
  };
}
