/*
 * The interfaces the domain sees, one module per store under ports/; this module gathers
 * them, so an importer needs one path.
 */
import type { AuditStore } from "./ports/audit.js";
import type { CodeStore } from "./ports/codes.js";
import type { KeyStore } from "./ports/keys.js";
import type { OutboxStore } from "./ports/outbox.js";
import type { SessionStore } from "./ports/sessions.js";
import type { StatsStore } from "./ports/stats.js";
import type { UserStore } from "./ports/users.js";
import type { WebhookStore } from "./ports/webhooks.js";

export type { AuditEvent, AuditQuery, AuditStore } from "./ports/audit.js";
export type {
  CodeStore,
  ConsumeResult,
  NewSecret,
  SignUpData,
  StoredSecret,
} from "./ports/codes.js";
export type { KeyStore, SigningKeyRecord } from "./ports/keys.js";
export type { OutboxEntry, OutboxMessage, OutboxStore, SentMail } from "./ports/outbox.js";
export type {
  LiveQuery,
  LiveSession,
  NewSession,
  RefreshTokenRef,
  RevokeAllOptions,
  RevokedEvent,
  Rotation,
  RotationRequest,
  SessionRecord,
  SessionReplacement,
  SessionStore,
} from "./ports/sessions.js";
export type { AccountCounts, AccountGroup, StatsStore } from "./ports/stats.js";
export type {
  ImportOutcome,
  NewAccount,
  NewUser,
  UniqueField,
  UserPatch,
  UserQuery,
  UserRecord,
  UserStore,
} from "./ports/users.js";
export { UniqueViolation } from "./ports/users.js";
export type {
  ClaimedDelivery,
  NewWebhookEndpoint,
  SessionEventTemplate,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointPatch,
  WebhookEventRecord,
  WebhookStore,
} from "./ports/webhooks.js";

/**
 * Stores a sign-in method brings with its tables (SignInMethod.stores). The method's folder
 * names each here by declaration merging, and createStores builds it over the same handle
 * as the others, so it joins their transactions:
 * `declare module "../../storage/ports.js" { interface MethodStores { totp: TotpStore } }`.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface MethodStores {}

export interface Stores extends MethodStores {
  users: UserStore;
  codes: CodeStore;
  sessions: SessionStore;
  keys: KeyStore;
  audit: AuditStore;
  outbox: OutboxStore;
  stats: StatsStore;
  webhooks: WebhookStore;
  /**
   * Runs fn with stores bound to one transaction; commits when it resolves. A transaction
   * PostgreSQL aborts in a deadlock runs once more, so fn's effects belong in the stores.
   */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T>;
}
