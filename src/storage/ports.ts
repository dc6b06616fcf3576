import type { Assurance } from "../crypto/access-tokens.js";
import type {
  AuditDetails,
  AuditOutcome,
  CodePurpose,
  OutboxStatus,
  SecretKind,
  UserRole,
  UserStatus,
} from "./schema.js";

/** What the domain sees of a user. Never leaves the service as is: see toPublicUser. */
export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  username: string | null;
  passwordHash: string;
  status: UserStatus;
  role: UserRole;
  emailVerifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The user's id in the system they were imported from. */
  legacyId: string | null;
  locale: string | null;
}

export interface NewUser {
  id: string;
  email: string;
  name: string | null;
  username: string | null;
  passwordHash: string;
  status: UserStatus;
  role: UserRole;
  emailVerifiedAt: Date | null;
  now: Date;
  legacyId?: string | null;
  locale?: string | null;
  /** Imports keep the original creation time; otherwise `now`. */
  createdAt?: Date;
}

export type UserPatch = Partial<
  Pick<
    UserRecord,
    "name" | "username" | "passwordHash" | "status" | "role" | "emailVerifiedAt" | "locale"
  >
>;

export interface UserQuery {
  limit: number;
  /** Users strictly after this cursor in the listing order (newest first). */
  after?: { createdAt: Date; id: string } | undefined;
  /** Case-insensitive substring of email, name or username. */
  q?: string | undefined;
  status?: UserStatus | undefined;
  role?: UserRole | undefined;
}

export type ImportOutcome = "created" | "exists";

/** Which unique constraint an insert or update ran into. */
export type UniqueField = "email" | "username";

export class UniqueViolation extends Error {
  constructor(readonly field: UniqueField) {
    super(`unique violation on ${field}`);
    this.name = "UniqueViolation";
  }
}

export interface UserStore {
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  /** Another user than `exceptId` has this username (compared case-insensitively). */
  usernameTaken(username: string, exceptId: string): Promise<boolean>;
  /** Throws UniqueViolation when the email or username is taken. */
  create(user: NewUser): Promise<UserRecord>;
  /** Throws UniqueViolation when the username is taken. Null when no such user. */
  update(id: string, patch: UserPatch, now: Date): Promise<UserRecord | null>;
  /**
   * Compare-and-swap of the password hash: writes `next` only while the stored hash is
   * still `expected`, in one UPDATE ... RETURNING. Null when it was not (a concurrent
   * change won) or the user is gone: of concurrent changes from one hash exactly one wins.
   */
  swapPasswordHash(
    id: string,
    expected: string,
    next: string,
    now: Date,
  ): Promise<UserRecord | null>;
  /** Any admin exists, whatever its status. */
  hasAdmin(): Promise<boolean>;
  /** Newest first, by (createdAt, id). */
  list(query: UserQuery): Promise<UserRecord[]>;
  /** True when a user was deleted; their codes and sessions go with them. */
  delete(id: string): Promise<boolean>;
  /**
   * Ids of the active admins, locked until the surrounding transaction ends, so two
   * admins cannot demote or block each other at once and leave none.
   */
  lockActiveAdmins(): Promise<string[]>;
  /**
   * Inserts an imported user unless one with the same legacy id, email or username
   * exists (then nothing changes): re-running an import is idempotent.
   */
  importUser(user: NewUser): Promise<ImportOutcome>;
}

/**
 * What a repeated sign-up's code activates: its password, name and username replace the
 * account's (a null locale keeps the account's).
 */
export interface SignUpData {
  /** The sign-up's own id, given to its caller instead of the pending account's. */
  id: string;
  passwordHash: string;
  name: string | null;
  username: string | null;
  locale: string | null;
  signedUpAt: Date;
}

export interface StoredSecret {
  userId: string;
  purpose: CodePurpose;
  kind: SecretKind;
  attempts: number;
  expiresAt: Date;
  createdAt: Date;
  /** Present on the code of a repeated sign-up: the data its verification activates. */
  signUp?: SignUpData;
}

export interface NewSecret {
  userId: string;
  purpose: CodePurpose;
  kind: SecretKind;
  secretHash: string;
  expiresAt: Date;
  now: Date;
  /**
   * Wrong tries of the user's live secrets (of this purpose) created after this moment carry
   * over, so asking again inside RESEND_COOLDOWN never buys guesses. Older ones do not: a new
   * request after the cooldown replaces even a burned secret (README, "Signing up again").
   * Absent: every live secret's tries carry over.
   */
  carryAttemptsSince?: Date;
  signUp?: SignUpData;
  /** An email code sent again: it replaces the codes of the same sign-up (same signUp id). */
  resend?: boolean;
}

/** The outcome of presenting a code or token. */
export type ConsumeResult =
  | { ok: true; secret: StoredSecret }
  | { ok: false; reason: "missing" | "expired" | "mismatch" | "exhausted"; attempts: number };

export interface CodeStore {
  /**
   * Stores a secret. A reset secret replaces the user's other one (one live reset secret per
   * user); an email code is added beside the user's other codes (each pending sign-up keeps
   * its own until it expires).
   */
  put(secret: NewSecret): Promise<void>;
  /** The user's newest secret for this purpose. */
  find(userId: string, purpose: CodePurpose): Promise<StoredSecret | null>;
  /** The user a live sign-up id belongs to. */
  findSignUp(signUpId: string, now: Date): Promise<StoredSecret | null>;
  /**
   * Presents a code: first counts the guess on every live secret of the user for `purpose`
   * with tries left (one UPDATE ... RETURNING), then compares. So concurrent guesses never
   * exceed maxAttempts. A match is consumed (deleted) atomically.
   */
  consumeForUser(
    userId: string,
    purpose: CodePurpose,
    secretHash: string,
    now: Date,
    maxAttempts: number,
  ): Promise<ConsumeResult>;
  /** A live link token by its hash, without consuming it (to check input first). */
  findLiveByHash(purpose: CodePurpose, secretHash: string, now: Date): Promise<StoredSecret | null>;
  /**
   * Like consumeForUser, but a match leaves the secret in place: lets the caller check
   * the rest of the input before using it up with takeChecked. The guess counts all the same.
   */
  checkForUser(
    userId: string,
    purpose: CodePurpose,
    secretHash: string,
    now: Date,
    maxAttempts: number,
  ): Promise<ConsumeResult>;
  /** Consumes a live secret that checkForUser already counted and matched; null if gone. */
  takeChecked(
    userId: string,
    purpose: CodePurpose,
    secretHash: string,
    now: Date,
  ): Promise<StoredSecret | null>;
  /**
   * Counts a guess at a subject (hash of an email or id) with no live secret to count it
   * on, atomically, in a window of ttlSeconds from its first guess: such a subject answers
   * like one whose code is being guessed.
   */
  countSubjectGuess(
    subject: string,
    purpose: CodePurpose,
    now: Date,
    maxAttempts: number,
    ttlSeconds: number,
  ): Promise<ConsumeResult>;
  /** Atomically consume a link token found by its hash alone. */
  consumeByHash(purpose: CodePurpose, secretHash: string, now: Date): Promise<StoredSecret | null>;
  delete(userId: string, purpose: CodePurpose): Promise<void>;
  /** Removes expired rows; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

export interface SessionRecord {
  id: string;
  familyId: string;
  userId: string;
  familyStartedAt: Date;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  revokedAt: Date | null;
  replacedBy: string | null;
  userAgent: string | null;
  ip: string | null;
}

export interface NewSession {
  id: string;
  familyId: string;
  userId: string;
  tokenHash: string;
  familyStartedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  now: Date;
  /** How the session was proven; every token of its chain keeps it. Absent: aal1, pwd. */
  assurance?: Assurance | undefined;
}

/** The next token of a chain: family, user, start and assurance come from the rotated session. */
export type SessionReplacement = Omit<
  NewSession,
  "familyId" | "userId" | "familyStartedAt" | "assurance"
>;

/** A successful rotation: the family it continues, and its user as stored at that moment. */
export interface Rotation {
  familyId: string;
  user: UserRecord;
  assurance: Assurance;
}

/** An access token's user as they are now, and its session's assurance while it is live. */
export interface LiveSession {
  user: UserRecord;
  /** Null once the session was revoked or expired. */
  assurance: Assurance | null;
}

export interface SessionStore {
  create(session: NewSession): Promise<SessionRecord>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  /**
   * Atomically mark the live session with this token hash as replaced by `replacement`
   * and insert the replacement. Null when the token is not live (unknown, revoked,
   * rotated or expired): the caller decides whether that is reuse. Of concurrent
   * rotations of one token exactly one succeeds.
   */
  rotate(tokenHash: string, replacement: SessionReplacement): Promise<Rotation | null>;
  /**
   * User `userId`, and whether their session (family) `familyId` still has a live token;
   * null when there is no such user. Every authenticated request asks this, so concurrent
   * calls share one prepared query.
   */
  findLive(userId: string, familyId: string, now: Date): Promise<LiveSession | null>;
  /**
   * Revokes take the user's row lock before they write, and a rotation holds it shared
   * while it writes: a revoke that returned leaves no token of theirs that can refresh,
   * even one a concurrent rotation was inserting.
   */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  revokeAllForUser(userId: string, now: Date, exceptFamilyId?: string): Promise<number>;
  listLiveForUser(userId: string, now: Date): Promise<SessionRecord[]>;
  purgeExpired(now: Date): Promise<number>;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, string>;
  privateJwk: Record<string, string>;
  createdAt: Date;
  retiredAt: Date | null;
  expiresAt: Date | null;
}

export interface KeyStore {
  /** Keys still published: not expired at `now`, newest first. */
  listPublished(now: Date): Promise<SigningKeyRecord[]>;
  insert(key: SigningKeyRecord): Promise<void>;
  /** Retire every other key: they stop signing and leave the JWKS at expiresAt. */
  retireAllExcept(kid: string, now: Date, expiresAt: Date): Promise<void>;
  purgeExpired(now: Date): Promise<number>;
}

export interface AuditEvent {
  id: string;
  occurredAt: Date;
  type: string;
  outcome: AuditOutcome;
  userId: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: AuditDetails;
}

export interface AuditQuery {
  userId?: string | undefined;
  type?: string | undefined;
  /** Events strictly older than this cursor (newest first). */
  before?: { occurredAt: Date; id: string } | undefined;
  limit: number;
}

export interface AuditStore {
  insert(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEvent[]>;
  purgeOlderThan(cutoff: Date): Promise<number>;
}

export interface OutboxMessage {
  to: string;
  template: string;
  subject: string;
  text: string;
  html: string;
}

export interface OutboxEntry {
  id: string;
  createdAt: Date;
  to: string;
  template: string;
  subject: string;
  /** Null once sent (the bodies carry live secrets). */
  text: string | null;
  html: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  lastError: string | null;
  sentAt: Date | null;
}

export interface OutboxStore {
  /** Queues a message; inside a transaction it commits, or vanishes, with the state it mails. */
  add(message: OutboxMessage, now: Date): Promise<string>;
  /**
   * Claims up to `limit` due messages for `leaseMs` (FOR UPDATE SKIP LOCKED: concurrent
   * workers never get the same row). Rows whose lease ran out are due again, so a worker
   * killed while sending loses nothing. Each claim counts an attempt.
   */
  claim(limit: number, now: Date, leaseMs: number): Promise<OutboxEntry[]>;
  markSent(id: string, now: Date): Promise<void>;
  /** Back to the queue at `retryAt`, or dead when retryAt is null. */
  markFailed(id: string, error: string, retryAt: Date | null): Promise<void>;
  get(id: string): Promise<OutboxEntry | null>;
  listDead(limit: number): Promise<OutboxEntry[]>;
  /** A dead message goes back to the queue with a fresh attempt count; false if none. */
  requeue(id: string, now: Date): Promise<boolean>;
  countByStatus(): Promise<Record<OutboxStatus, number>>;
  /** Sent messages older than the cutoff go. */
  purgeSent(cutoff: Date): Promise<number>;
}

/** Users of one (status, role), and how many of them still have a legacy (bcrypt) hash. */
export interface AccountGroup {
  status: UserStatus;
  role: UserRole;
  users: number;
  legacyHashes: number;
}

export interface AccountCounts {
  /** Only the (status, role) pairs that have users. */
  groups: AccountGroup[];
  liveSessions: number;
}

export interface StatsStore {
  /** Aggregates only: cheap enough to run on every metrics scrape. */
  accountCounts(now: Date): Promise<AccountCounts>;
}

export interface Stores {
  users: UserStore;
  codes: CodeStore;
  sessions: SessionStore;
  keys: KeyStore;
  audit: AuditStore;
  outbox: OutboxStore;
  stats: StatsStore;
  /**
   * Runs fn with stores bound to one transaction; commits when it resolves. A transaction
   * PostgreSQL aborts in a deadlock runs once more, so fn's effects belong in the stores.
   */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T>;
}
