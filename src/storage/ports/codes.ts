import type { CodePurpose, SecretKind } from "../schema.js";

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
  /** Removes expired rows (at most `limit` of codes and of guesses; unset, all); returns how many. */
  purgeExpired(now: Date, limit?: number): Promise<number>;
}
