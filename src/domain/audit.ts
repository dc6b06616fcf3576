import type { AuditDetails, AuditOutcome } from "../storage/schema.js";
import type { ClientContext } from "./client.js";

/** What happened, as the domain tells it. Never a password, code, token or hash. */
export type AuditType =
  | "user.registered"
  | "email.verified"
  | "login.success"
  | "login.failure"
  | "login.lockout"
  | "refresh.reuse"
  | "password.reset"
  | "password.changed"
  | "session.revoked"
  | `admin.${string}`
  | keyof MethodAuditTypes;

/**
 * Events a sign-in method records ("mfa.failure"), named by its folder through declaration
 * merging like its error codes.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface MethodAuditTypes {}

export interface AuditInput {
  type: AuditType;
  outcome: AuditOutcome;
  userId?: string | null;
  /** The admin who acted, for admin actions. */
  actorId?: string | null;
  client?: ClientContext;
  details?: AuditDetails;
}

/** Records an event; a failure to record is logged by the implementation, never thrown. */
export type AuditLog = (event: AuditInput) => Promise<void>;
