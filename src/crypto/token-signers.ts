import { createHmac, KeyObject, sign as signWith } from "node:crypto";
import type { CryptoKey, JWTHeaderParameters } from "jose";
import { EDDSA, type KeyRing, type PublicJwks } from "./key-ring.js";

/*
 * The keys access tokens are signed and verified with: one shared HS256 secret
 * (JWT_SECRET), or the EdDSA key ring. access-tokens.ts sees only a SigningMode.
 */

export interface SigningMode {
  alg: string;
  /** Changes whenever the verifying keys do: a remembered verification is only good for it. */
  keyState(): object;
  /** The current signing key: its kid, and a synchronous signature with it. */
  signer(): { kid: string; sign(input: Buffer): Buffer };
  /** Throws for an unknown kid; jwtVerify turns that into a rejection. */
  verifyingKey(header: JWTHeaderParameters): CryptoKey | Uint8Array;
  jwks(): PublicJwks;
}

/** Thrown by the ring's verifyingKey for a kid it does not hold (yet): worth a reload. */
export class UnknownKidError extends Error {
  constructor() {
    super("unknown kid");
  }
}

const HS256 = "HS256";
/** One secret, one key: the kid only has to be present and stable. */
const HS256_KID = "hs256";
/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 256 bits. */
const MIN_SECRET_BYTES = 32;

export function hmacMode(secret: string): SigningMode {
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

export function ringMode(ring: KeyRing | undefined): SigningMode {
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
