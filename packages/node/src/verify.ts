import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { type Auth, enforce, enforceable, type Requirements, readAuth } from "./auth.js";
import { AccessDenied } from "./errors.js";

export interface VerifierOptions extends Requirements {
  /** Latchkey's PUBLIC_URL: the `iss` of its tokens. */
  issuer: string;
  /** This service: one of Latchkey's ACCESS_TOKEN_AUDIENCE. A token for another is refused. */
  audience: string | readonly string[];
  /**
   * Where Latchkey publishes its keys, when the service reaches it at another address than
   * its PUBLIC_URL (a private network). Default: `<issuer>/.well-known/jwks.json`.
   */
  jwksUrl?: string | URL | undefined;
  /** The time tokens are checked against; tests pin it. */
  clock?: (() => Date) | undefined;
}

export type Verifier = (token: string) => Promise<Auth>;

/** Access tokens are EdDSA only: never `none`, never HS256 forged with a public key. */
const ALGORITHMS = ["EdDSA"];
/** RFC 9068 §2.1: an access token says so, which refuses ID tokens and other JWTs. */
const ACCESS_TYP = "at+jwt";
const REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "sid", "aal", "amr", "role", "email"];
/** Latchkey's are well under 1 KiB; a far larger one is refused before any parsing. */
const MAX_TOKEN_CHARS = 8192;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * One key set per URL for the whole process: fetched on first use, cached by jose for ten
 * minutes, fetched again at once for a kid it does not know (a rotated key) but at most once
 * per 30 s, so tokens with made-up kids cannot turn into a flood of fetches.
 */
const keySets = new Map<string, KeySet>();

function keySetAt(url: URL): KeySet {
  let keys = keySets.get(url.href);
  if (!keys) {
    keys = createRemoteJWKSet(url);
    keySets.set(url.href, keys);
  }
  return keys;
}

/** `<issuer>/.well-known/jwks.json`, below the issuer's path when it has one. */
export function defaultJwksUrl(issuer: string): URL {
  return new URL(".well-known/jwks.json", issuer.endsWith("/") ? issuer : `${issuer}/`);
}

/**
 * A function that verifies a token and checks the requirements, resolving to who the bearer
 * is or rejecting with AccessDenied (401 for a bad token, 403 for an unmet requirement, 503
 * when the keys cannot be fetched). Build it once and call it per request.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  // An impossible requirement is the app's bug: it stops the start, not every request.
  enforceable(options);
  const keys = keySetAt(new URL(options.jwksUrl ?? defaultJwksUrl(options.issuer)));
  const checks = {
    algorithms: ALGORITHMS,
    issuer: options.issuer,
    audience: typeof options.audience === "string" ? options.audience : [...options.audience],
    typ: ACCESS_TYP,
    requiredClaims: REQUIRED_CLAIMS,
  };
  const { clock } = options;
  return async (token) => {
    if (typeof token !== "string" || token === "")
      throw new AccessDenied("UNAUTHORIZED", "missing");
    if (token.length > MAX_TOKEN_CHARS) throw new AccessDenied("UNAUTHORIZED", "invalid");
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(
        token,
        keys,
        clock ? { ...checks, currentDate: clock() } : checks,
      ));
    } catch (error) {
      throw refusalFor(error);
    }
    const auth = readAuth(payload);
    if (!auth) throw new AccessDenied("UNAUTHORIZED", "invalid");
    enforce(auth, options);
    return auth;
  };
}

/** Verifies one token; the key set is shared with every other call for the same Latchkey. */
export function verifyAccessToken(token: string, options: VerifierOptions): Promise<Auth> {
  return createVerifier(options)(token);
}

/**
 * A failure to fetch the keys is Latchkey being away, not the caller's fault: 503, so a client
 * does not throw its session away over it.
 */
function refusalFor(error: unknown): AccessDenied {
  if (error instanceof errors.JWTExpired) {
    return new AccessDenied("UNAUTHORIZED", "expired", { cause: error });
  }
  const keysAway =
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError) ||
    error.code === "ERR_JOSE_GENERIC";
  if (keysAway) return new AccessDenied("UNAVAILABLE", "keys-unavailable", { cause: error });
  return new AccessDenied("UNAUTHORIZED", "invalid", { cause: error });
}
