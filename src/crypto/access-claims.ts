import {
  AALS,
  type Aal,
  type Assurance,
  AUTH_METHODS,
  type AuthMethod,
  isOneOf,
  USER_ROLES,
  type UserRole,
} from "../domain/vocabulary.js";
import { randomId } from "./random.js";

/*
 * The claim set of an access token (README, "Assurance levels and claims"): each claim is
 * declared once below, with the check a verified token's value must pass; its type comes
 * from that check, and the builder must produce exactly that type.
 */

/** The application a token is issued to: Latchkey's own API and pages. */
export const LATCHKEY_CLIENT_ID = "latchkey";

const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number";

const CLAIM_CHECKS = {
  iss: isString,
  sub: isString,
  /** RFC 9068 §2.2: one audience as a string, several as an array (ACCESS_TOKEN_AUDIENCE). */
  aud: (value: unknown): value is string | string[] =>
    isString(value) || (Array.isArray(value) && value.every(isString)),
  client_id: isString,
  exp: isNumber,
  iat: isNumber,
  jti: isString,
  /** Session family id: the refresh-token family this access token was issued from. */
  sid: isString,
  aal: (value: unknown): value is Aal => isOneOf(AALS, value),
  /** At least one method: a session proven by nothing is not a session. */
  amr: (value: unknown): value is AuthMethod[] =>
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((method) => isOneOf(AUTH_METHODS, method)),
  role: (value: unknown): value is UserRole => isOneOf(USER_ROLES, value),
  email: isString,
} as const;

type Checked<Check> = Check extends (value: unknown) => value is infer T ? T : never;

/** Every claim of a verified access token of ours. */
export type AccessClaims = {
  [Name in keyof typeof CLAIM_CHECKS]: Checked<(typeof CLAIM_CHECKS)[Name]>;
};

/** Every claim name: all of them must be present for a token to be ours. */
export const CLAIM_NAMES = Object.keys(CLAIM_CHECKS) as (keyof AccessClaims)[];

/** The claims that come from the session: the domain supplies these when it signs. */
export type { Assurance };

export type SessionClaims = Pick<AccessClaims, "sub" | "email" | "role" | "sid"> & Assurance;

/** The claims the issuer writes itself, the same for every token it signs. */
export interface IssuerClaims {
  issuer: string;
  /** One audience as a string, several as an array: RFC 9068 §2.2. */
  audience: string | string[];
  ttlSeconds: number;
}

/** The claims of a new token, issued at `nowSeconds`. */
export function buildClaims(
  session: SessionClaims,
  issuer: IssuerClaims,
  nowSeconds: number,
): AccessClaims {
  return {
    email: session.email,
    role: session.role,
    sid: session.sid,
    sub: session.sub,
    iss: issuer.issuer,
    aud: issuer.audience,
    client_id: LATCHKEY_CLIENT_ID,
    aal: session.aal,
    amr: session.amr,
    iat: nowSeconds,
    exp: nowSeconds + issuer.ttlSeconds,
    jti: randomId(),
  };
}

/**
 * The signature proves we wrote it; this proves it has the shape we write. Claims we do not
 * declare are dropped, so nothing unchecked reaches a caller.
 */
export function readClaims(payload: Readonly<Record<string, unknown>>): AccessClaims | null {
  const claims: Record<string, unknown> = {};
  for (const name of CLAIM_NAMES) {
    const value = payload[name];
    if (!CLAIM_CHECKS[name](value)) return null;
    claims[name] = value;
  }
  return claims as AccessClaims;
}
