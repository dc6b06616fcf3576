import type { ColumnType, Generated, Selectable } from "kysely";

/** A timestamp column: Date in and out, the database default on insert where marked. */
type Timestamp = ColumnType<Date, Date, Date>;

import type { UserRole, UserStatus } from "../domain/vocabulary.js";

export type { UserRole, UserStatus };
export type CodePurpose = "email" | "reset";
export type SecretKind = "code" | "link";

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  username: string | null;
  password_hash: string;
  status: UserStatus;
  role: UserRole;
  email_verified_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  legacy_id: ColumnType<string | null, string | null | undefined, string | null>;
  locale: ColumnType<string | null, string | null | undefined, string | null>;
  /** Confirmed second factors of every method (0009-second-factor-count.ts). */
  second_factors: Generated<number>;
}

/**
 * A 6-digit code or link token, keyed by its hash. One live reset secret per user; an
 * email may hold several sign-up codes, each with the data it activates (null: the
 * user's row as it stands).
 */
export interface VerificationCodesTable {
  user_id: string;
  purpose: CodePurpose;
  kind: SecretKind;
  secret_hash: string;
  attempts: Generated<number>;
  expires_at: Timestamp;
  created_at: Timestamp;
  sign_up_id: ColumnType<string | null, string | null | undefined, string | null>;
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  name: ColumnType<string | null, string | null | undefined, string | null>;
  username: ColumnType<string | null, string | null | undefined, string | null>;
  locale: ColumnType<string | null, string | null | undefined, string | null>;
  signed_up_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** Wrong guesses at a subject (email or id) that had no live code to count them on. */
export interface CodeGuessesTable {
  subject: string;
  purpose: CodePurpose;
  attempts: number;
  expires_at: Timestamp;
}

export interface RefreshSessionsTable {
  id: string;
  family_id: string;
  user_id: string;
  /** SHA-256 of the whole refresh token. */
  token_hash: string;
  /**
   * Whether the token is `<id>.<secret>` and is found by this row's id. False only for rows
   * written before migration 0014, whose tokens are found by token_hash alone.
   */
  token_names_row: Generated<boolean>;
  family_started_at: Timestamp;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_used_at: Timestamp;
  revoked_at: Timestamp | null;
  replaced_by: string | null;
  user_agent: string | null;
  ip: string | null;
  /** "aal1" or "aal2": see Assurance in domain/vocabulary.ts. */
  aal: string;
  amr: string[];
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: ColumnType<JsonWebKeyRecord, string, string>;
  private_jwk: ColumnType<JsonWebKeyRecord, string, string>;
  created_at: Timestamp;
  /** Set when a newer key takes over signing; the key stays published until expires_at. */
  retired_at: Timestamp | null;
  expires_at: Timestamp | null;
}

export type AuditOutcome = "success" | "failure";

export interface AuditEventsTable {
  id: string;
  occurred_at: Timestamp;
  type: string;
  outcome: AuditOutcome;
  user_id: string | null;
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: ColumnType<AuditDetails, string, string>;
}

/** Facts about an event: never a password, code, token or hash. */
export type AuditDetails = Record<string, string | number | boolean | null>;

export type OutboxStatus = "queued" | "sending" | "sent" | "dead";

export interface MailOutboxTable {
  id: string;
  created_at: Timestamp;
  to_address: string;
  template: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  sent_at: Timestamp | null;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  secret_sealed: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type DeliveryStatus = "pending" | "sending" | "delivered" | "failed";

export interface WebhookDeliveriesTable {
  id: string;
  seq: ColumnType<string, never, never>;
  endpoint_id: string;
  event_type: string;
  user_id: string | null;
  payload: string;
  created_at: Timestamp;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  retry_from: Timestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  delivered_at: Timestamp | null;
}

export type JsonWebKeyRecord = Record<string, string>;

export interface Database {
  users: UsersTable;
  verification_codes: VerificationCodesTable;
  code_guesses: CodeGuessesTable;
  refresh_sessions: RefreshSessionsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  mail_outbox: MailOutboxTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type UserRow = Selectable<UsersTable>;

/**
 * Every column of UserRow, by name: a prepared statement that names them keeps its result
 * type when a migration adds a column (drivers/prepared-statements.ts).
 */
export const USER_COLUMN_NAMES = Object.keys({
  id: true,
  email: true,
  name: true,
  username: true,
  password_hash: true,
  status: true,
  role: true,
  email_verified_at: true,
  created_at: true,
  updated_at: true,
  legacy_id: true,
  locale: true,
  second_factors: true,
} satisfies Record<keyof UserRow, true>) as (keyof UserRow)[];
export type CodeRow = Selectable<VerificationCodesTable>;
export type SessionRow = Selectable<RefreshSessionsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type MailOutboxRow = Selectable<MailOutboxTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
