import type { UserRole, UserStatus } from "../../domain/vocabulary.js";
import type { NewSecret } from "./codes.js";
import type { OutboxMessage } from "./outbox.js";
import type { WebhookEventRecord } from "./webhooks.js";

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
  /** A confirmed second factor of some method: one-factor sign-ins then ask for it. */
  mfaEnabled: boolean;
}

export type NewUser = Pick<
  UserRecord,
  "id" | "email" | "name" | "username" | "passwordHash" | "status" | "role" | "emailVerifiedAt"
> & {
  now: Date;
  legacyId?: string | null;
  locale?: string | null;
  /** Imports keep the original creation time; otherwise `now`. */
  createdAt?: Date;
};

/** A sign-up's new user and what goes with it: see UserStore.createAccount. */
export interface NewAccount {
  user: NewUser;
  /** Its user.created event. */
  event: WebhookEventRecord;
  /** Its first email code, and the mail that carries that code. */
  code: NewSecret;
  mail: OutboxMessage;
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
  /**
   * One answer per id, in the order asked: the user, or null (also for an id that is not
   * a UUID). Many lookups in one statement: batching.ts gives findById's callers this.
   */
  findByIds(ids: readonly string[]): Promise<(UserRecord | null)[]>;
  /** One answer per email, in the order asked. */
  findByEmails(emails: readonly string[]): Promise<(UserRecord | null)[]>;
  /** Another user than `exceptId` has this username (compared case-insensitively). */
  usernameTaken(username: string, exceptId: string): Promise<boolean>;
  /** Throws UniqueViolation when the email or username is taken. */
  create(user: NewUser): Promise<UserRecord>;
  /**
   * The user, its event, its code and the code's mail in one statement, atomic without a
   * BEGIN/COMMIT: one round trip instead of seven. Throws UniqueViolation, having written
   * nothing, when the email or username is taken.
   */
  createAccount(account: NewAccount): Promise<UserRecord>;
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
  /** importUser for many, in a few multi-row statements; outcomes in the users' order. */
  importUsers(users: readonly NewUser[]): Promise<ImportOutcome[]>;
}
