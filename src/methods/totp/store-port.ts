import type { ColumnType, Generated } from "kysely";
import type { AuthMethod } from "../../domain/vocabulary.js";

/**
 * An unconfirmed factor does nothing and is dropped after this long (the HTTP contract,
 * POST /auth/mfa/totp).
 */
export const UNCONFIRMED_FACTOR_TTL_MS = 15 * 60 * 1000;

export type FactorType = "totp";
/**
 * What failures are counted for: recovery codes count apart from TOTP (the HTTP contract,
 * "Second factors": Limits).
 */
export type FailureMethod = "totp" | "recovery_code";

export interface SecondFactor {
  id: string;
  userId: string;
  type: FactorType;
  name: string | null;
  /** The sealed seed (crypto/secret-box.ts): opaque here. */
  secretSealed: string;
  confirmedAt: Date | null;
  /** The last accepted TOTP time step (RFC 6238 T), or null before any. */
  lastStep: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface NewFactor {
  id: string;
  userId: string;
  type: FactorType;
  name: string | null;
  secretSealed: string;
  now: Date;
}

export interface MfaChallenge {
  userId: string;
  /** The amr values proven before the second factor, e.g. ["pwd"]. */
  proofs: AuthMethod[];
  ip: string | null;
  userAgent: string | null;
  expiresAt: Date;
  failures: number;
  usedAt: Date | null;
  createdAt: Date;
}

export interface NewChallenge {
  /** SHA-256 of the mfaToken. */
  tokenHash: string;
  userId: string;
  proofs: AuthMethod[];
  ip: string | null;
  userAgent: string | null;
  expiresAt: Date;
  now: Date;
}

export interface FailureState {
  consecutive: number;
  lastFailedAt: Date | null;
  /** Set once the limit was reached; only an admin's reset (deleteAllFactors) lifts it. */
  lockedAt: Date | null;
}

/**
 * Issue 15's second factors. Every method that decides something (confirm, claim a step,
 * use a code, count a failure, consume a challenge) is one atomic statement: of concurrent
 * callers exactly one wins, on PGlite and on PostgreSQL alike.
 */
export interface LiveChallengeWithFailures {
  challenge: MfaChallenge;
  failures: FailureState;
}

export interface ChallengeQuery {
  tokenHash: string;
  now: Date;
  method: FailureMethod;
}

export interface SecondFactorStore {
  /** Adds an unconfirmed factor. */
  createFactor(factor: NewFactor): Promise<SecondFactor>;
  /** The user's factor, confirmed or not; null for another user's or a malformed id. */
  findFactor(userId: string, factorId: string): Promise<SecondFactor | null>;
  /** The user's confirmed factors, oldest first. */
  listFactors(userId: string): Promise<SecondFactor[]>;
  /** listFactors of each user, in one statement (storage/batcher.ts); in the order asked. */
  listFactorsOfUsers(userIds: readonly string[]): Promise<SecondFactor[][]>;
  /**
   * Confirms an unconfirmed factor created within UNCONFIRMED_FACTOR_TTL_MS, recording `step`
   * as its last accepted one (so the confirming code cannot be replayed). Answers how many
   * confirmed second factors, of every method, the user has now; null when nothing was
   * confirmed.
   */
  confirmFactor(
    userId: string,
    factorId: string,
    step: number,
    now: Date,
  ): Promise<{ factors: number } | null>;
  /**
   * Removes the factor; when it was the user's last confirmed one, the recovery codes go too
   * (the HTTP contract, DELETE /auth/mfa/factors/:id). False when there was no such factor.
   */
  deleteFactor(userId: string, factorId: string, now: Date): Promise<boolean>;
  /** An admin's reset: factors, recovery codes and failure counts (locks). Factors removed. */
  deleteAllFactors(userId: string, now: Date): Promise<number>;
  hasConfirmedFactor(userId: string): Promise<boolean>;
  /**
   * The purge: unconfirmed factors older than UNCONFIRMED_FACTOR_TTL_MS. Rows removed.
   * `limit`: at most that many rows (one purge batch); unset, all of them.
   */
  dropStaleUnconfirmed(now: Date, limit?: number): Promise<number>;
  /**
   * The replay guard: moves a confirmed factor's last step forward to `step`. True only for
   * the one caller that moved it; a step already accepted, or an older one, is false.
   */
  claimStep(factorId: string, step: number, now: Date): Promise<boolean>;
  /**
   * claimStep and, only when the step was claimed, consumeChallenge, in one statement (a
   * sign-in's second factor): `claimed` as claimStep answers; `challenge` as
   * consumeChallenge does, null whenever the step was not claimed.
   */
  claimStepAndConsume(
    factorId: string,
    step: number,
    tokenHash: string,
    now: Date,
  ): Promise<{ claimed: boolean; challenge: MfaChallenge | null }>;

  /** The user's recovery codes become these (SHA-256 hashes); the earlier set stops working. */
  replaceRecoveryCodes(userId: string, hashes: readonly string[], now: Date): Promise<void>;
  /** Marks an unused code used: true for the one caller that did. */
  useRecoveryCode(userId: string, hash: string, now: Date): Promise<boolean>;
  countRecoveryCodesLeft(userId: string): Promise<number>;

  createChallenge(challenge: NewChallenge): Promise<void>;
  /** A challenge neither expired, consumed nor killed. */
  findLiveChallenge(tokenHash: string, now: Date): Promise<MfaChallenge | null>;
  /**
   * The same, with its user's failure state for `method`, in one statement: the check every
   * guessed answer starts with (POST /auth/mfa/verify).
   */
  findLiveChallengeWithFailures(
    tokenHash: string,
    now: Date,
    method: FailureMethod,
  ): Promise<LiveChallengeWithFailures | null>;
  /** findLiveChallengeWithFailures of each query, in one statement; in the order asked. */
  findLiveChallengesWithFailures(
    queries: readonly ChallengeQuery[],
  ): Promise<(LiveChallengeWithFailures | null)[]>;
  /**
   * Counts a wrong code against a live challenge and answers the new count; the count that
   * reaches `max` kills the challenge. Null when it was not live.
   */
  countChallengeFailure(tokenHash: string, now: Date, max: number): Promise<number | null>;
  /** Uses a live challenge up: its row for the one caller that did, null for every other. */
  consumeChallenge(tokenHash: string, now: Date): Promise<MfaChallenge | null>;
  /** The purge: expired challenges. Rows removed. `limit`: at most that many rows (one purge batch); unset, all of them. */
  purgeExpiredChallenges(now: Date, limit?: number): Promise<number>;

  /**
   * Counts a consecutive failure; the one that reaches `lockAt` locks the method, and it
   * stays locked (NIST SP 800-63B-4 §3.2.2). Answers the state after counting.
   */
  recordFailure(
    userId: string,
    method: FailureMethod,
    now: Date,
    lockAt: number,
  ): Promise<FailureState>;
  /** A success: the consecutive count starts again (a lock stays). */
  clearFailures(userId: string, method: FailureMethod): Promise<void>;
  failureState(userId: string, method: FailureMethod): Promise<FailureState>;
}

type Timestamp = ColumnType<Date, Date, Date>;

/** The method's tables, named through `db.withTables<SecondFactorTables>()`. */
export type SecondFactorTables = {
  mfa_factors: {
    id: string;
    user_id: string;
    type: FactorType;
    name: string | null;
    secret_sealed: string;
    confirmed_at: Timestamp | null;
    // int8: pg hands it over as a string.
    last_step: ColumnType<string | number | null, number | null, number>;
    created_at: Timestamp;
    last_used_at: Timestamp | null;
  };
  mfa_recovery_codes: {
    user_id: string;
    code_hash: string;
    used_at: Timestamp | null;
    created_at: Timestamp;
  };
  mfa_challenges: {
    token_hash: string;
    user_id: string;
    // A driver may hand a text[] over as its text form, `{pwd}`.
    proofs: ColumnType<string[] | string, string[], string[]>;
    ip: string | null;
    user_agent: string | null;
    expires_at: Timestamp;
    failures: Generated<number>;
    used_at: Timestamp | null;
    created_at: Timestamp;
  };
  mfa_failures: {
    user_id: string;
    method: FailureMethod;
    consecutive: number;
    last_failed_at: Timestamp;
    locked_at: Timestamp | null;
  };
};
