import type { ColumnType } from "kysely";

/**
 * How long a challenge waits for its response: the HTTP contract's 5 minutes, the low end of
 * WebAuthn Level 3's recommended ceremony timeout (§15.1, 300 000 to 600 000 ms).
 */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export type ChallengePurpose = "register" | "login" | "mfa";
export type DeviceType = "singleDevice" | "multiDevice";

export interface Passkey {
  id: string;
  userId: string;
  /** base64url, as the authenticator names it. */
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: DeviceType;
  backedUp: boolean;
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export type NewPasskey = Omit<Passkey, "lastUsedAt" | "createdAt"> & { now: Date };

export interface NewPasskeyChallenge {
  /** SHA-256 of the challenge. */
  challengeHash: string;
  purpose: ChallengePurpose;
  userId: string | null;
  now: Date;
}

/**
 * Issue 16's passkeys. What decides something (use a challenge, move a counter) is one
 * atomic statement: of concurrent callers exactly one wins, on PGlite and PostgreSQL alike.
 */
export interface PasskeyStore {
  /** The user's WebAuthn user handle, made from `fresh` on first use and the same after. */
  userHandle(userId: string, fresh: string): Promise<string>;
  /** The user a handle belongs to, or null. */
  userOfHandle(handle: string): Promise<string | null>;

  createChallenge(challenge: NewPasskeyChallenge): Promise<void>;
  /**
   * Uses a challenge up (DELETE … RETURNING): for the one caller that did, while it is live,
   * of this purpose and, when `userId` is given, bound to that user. Null for every other.
   */
  consumeChallenge(
    challengeHash: string,
    purpose: ChallengePurpose,
    userId: string | null,
    now: Date,
  ): Promise<{ userId: string | null } | null>;
  /** The purge: expired challenges. Rows removed. `limit`: at most that many rows (one purge batch); unset, all of them. */
  purgeExpiredChallenges(now: Date, limit?: number): Promise<number>;

  /** Null when the credential ID is registered already (to anyone). */
  addPasskey(passkey: NewPasskey): Promise<Passkey | null>;
  findByCredentialId(credentialId: string): Promise<Passkey | null>;
  /**
   * A sign-in's lookup, in one statement: the credential and its owner's user handle (null
   * if the owner has none). A user has one handle and a handle one user, so a response's
   * user handle names the credential's owner exactly when it equals this one.
   */
  findForAssertion(
    credentialId: string,
  ): Promise<{ passkey: Passkey; ownerHandle: string | null } | null>;
  /** The user's passkeys, oldest first. */
  listPasskeys(userId: string): Promise<Passkey[]>;
  hasPasskey(userId: string): Promise<boolean>;
  /**
   * Records a use: the counter moves to `counter` only forward (or stays 0 for an
   * authenticator that keeps none). False when the stored counter is already at or past it.
   */
  recordUse(id: string, counter: number, backedUp: boolean, now: Date): Promise<boolean>;
  /** Null for another user's or a malformed id. */
  renamePasskey(userId: string, id: string, name: string | null): Promise<Passkey | null>;
  /** False for another user's or a malformed id. */
  deletePasskey(userId: string, id: string, now: Date): Promise<boolean>;
  /** Every passkey of the user (an admin's reset of their second factors); how many went. */
  deleteAllPasskeys(userId: string, now: Date): Promise<number>;
}

type Timestamp = ColumnType<Date, Date, Date>;

/** The method's tables, named through `db.withTables<PasskeyTables>()`. */
export type PasskeyTables = {
  passkey_credentials: {
    id: string;
    user_id: string;
    credential_id: string;
    public_key: string;
    // int8: pg hands it over as a string.
    counter: ColumnType<string | number, number, number>;
    transports: string;
    device_type: DeviceType;
    backed_up: boolean;
    name: string | null;
    created_at: Timestamp;
    last_used_at: Timestamp | null;
  };
  passkey_user_handles: { user_id: string; handle: string };
  passkey_challenges: {
    challenge_hash: string;
    purpose: ChallengePurpose;
    user_id: string | null;
    expires_at: Timestamp;
    created_at: Timestamp;
  };
};
