import { AccessDenied } from "./errors.js";

/**
 * What a verified Latchkey access token says about its bearer (the server's README: claims,
 * assurance levels and audiences). Unknown future values of `role` and `amr` are kept as
 * strings, so an older package keeps accepting tokens of a newer server.
 */
export type Role = "user" | "admin" | (string & {});

/** `aal1`: one factor; `aal2`: two distinct factors, or a passkey that verified the user. */
export type Aal = "aal1" | "aal2";

/** How the session was proven. */
export type AuthMethod =
  | "pwd"
  | "otp"
  | "recovery_code"
  | "passkey"
  | "oauth"
  | "email"
  | (string & {});

export interface Auth {
  /** The user's id. */
  readonly sub: string;
  readonly email: string;
  readonly role: Role;
  readonly aal: Aal;
  readonly amr: readonly AuthMethod[];
  /** The session: POST /auth/logout with this token ends it. */
  readonly sid: string;
  /** Expiry, in seconds since the epoch. */
  readonly exp: number;
}

/** What a route asks of a verified token beyond being valid. */
export interface Requirements {
  /** Any one of these roles. */
  roles?: Role | readonly Role[] | undefined;
  /** At least this assurance level: `aal2` for sensitive routes. */
  aal?: Aal | undefined;
}

const AAL_RANK: Readonly<Record<Aal, number>> = { aal1: 1, aal2: 2 };

const isString = (value: unknown): value is string => typeof value === "string" && value !== "";

/**
 * The signature proves Latchkey wrote the token; this proves it has the claims it writes.
 * Null for anything else, so nothing unchecked reaches an app.
 */
export function readAuth(payload: Readonly<Record<string, unknown>>): Auth | null {
  const { sub, email, role, aal, amr, sid, exp } = payload;
  if (!isString(sub) || !isString(email) || !isString(role) || !isString(sid)) return null;
  if (aal !== "aal1" && aal !== "aal2") return null;
  if (!Array.isArray(amr) || amr.length === 0 || !amr.every(isString)) return null;
  if (typeof exp !== "number") return null;
  return { sub, email, role, aal, amr: [...amr], sid, exp };
}

/**
 * Throws unless the bearer meets the route's requirements: 403 FORBIDDEN for a role, checked
 * first as no second factor changes it, then 403 MFA_REQUIRED for too low an assurance level.
 */
export function enforce(auth: Auth, required: Requirements): void {
  const { roles, aal } = required;
  if (roles !== undefined) {
    const allowed: readonly Role[] = typeof roles === "string" ? [roles] : roles;
    if (!allowed.includes(auth.role)) throw new AccessDenied("FORBIDDEN", "role");
  }
  enforceable(required);
  if (aal !== undefined && AAL_RANK[auth.aal] < AAL_RANK[aal]) {
    throw new AccessDenied("MFA_REQUIRED", "aal");
  }
}

/** Throws a TypeError for a requirement no token can meet: an aal Latchkey does not issue. */
export function enforceable(required: Requirements): void {
  if (required.aal !== undefined && !Object.hasOwn(AAL_RANK, required.aal)) {
    throw new TypeError(`@latchkey/node: unknown aal "${required.aal}" (aal1 or aal2)`);
  }
}
