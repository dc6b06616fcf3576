import type { ColumnType } from "kysely";

/**
 * Between the redirect to the provider and its answer: 10 minutes, time enough to sign in
 * there (and create an account), short enough that a leaked state is soon worthless.
 */
export const STATE_TTL_MS = 10 * 60 * 1000;
/** The one-time code an app exchanges for tokens: 60 s (README, "Sign-in with other providers"). */
export const GRANT_TTL_MS = 60 * 1000;

/** A user's account at a provider: (provider, issuer, subject), never an email (ASVS 5.0 6.8.1). */
export interface Identity {
  id: string;
  userId: string;
  provider: string;
  issuer: string;
  subject: string;
  /** The email the provider gave when linked, for the user's own list; never a key. */
  email: string | null;
  createdAt: Date;
}

export type NewIdentity = Omit<Identity, "createdAt"> & { now: Date };

/** One authorization in flight. The state itself is only in the browser's cookie and the URL. */
export interface OAuthState {
  /** SHA-256 of the state. */
  stateHash: string;
  provider: string;
  nonce: string;
  /** Our PKCE verifier at the provider (RFC 7636); the provider's tokens are never kept. */
  codeVerifier: string;
  redirectTo: string;
  /** The app's own S256 challenge, to check at POST /auth/oauth/token. */
  appCodeChallenge: string | null;
  /** Set when a signed-in user links an identity instead of signing in. */
  linkUserId: string | null;
}

/** The one-time code an app exchanges: the user proven by a provider, waiting for the app. */
export interface OAuthGrant {
  userId: string;
  appCodeChallenge: string | null;
}

export type RemoveOutcome = "removed" | "not_found" | "last";

export interface OAuthStore {
  createState(state: OAuthState, now: Date): Promise<void>;
  /** Uses a state up (DELETE … RETURNING): one callback per state, while live, of this provider. */
  consumeState(stateHash: string, provider: string, now: Date): Promise<OAuthState | null>;
  createGrant(codeHash: string, grant: OAuthGrant, now: Date): Promise<void>;
  /** Uses a code up: the first caller gets the grant, every later one null. */
  consumeGrant(codeHash: string, now: Date): Promise<OAuthGrant | null>;

  findIdentity(provider: string, issuer: string, subject: string): Promise<Identity | null>;
  /** Null when that (provider, issuer, subject) is linked already, to anyone. */
  addIdentity(identity: NewIdentity): Promise<Identity | null>;
  listIdentities(userId: string): Promise<Identity[]>;
  /**
   * Removes one of the user's identities, under the user's lock, unless it is their last one
   * and `otherWayIn` is false (no password, no passkey): a user is never locked out.
   */
  removeIdentity(userId: string, id: string, otherWayIn: boolean): Promise<RemoveOutcome>;
  /**
   * The purge: expired states and codes. Rows removed. `limit`: at most that many of each
   * table (one purge batch); unset, all of them.
   */
  purgeExpired(now: Date, limit?: number): Promise<number>;
}

type Timestamp = ColumnType<Date, Date, Date>;

/** The method's tables, named through `db.withTables<OAuthTables>()`. */
export type OAuthTables = {
  oauth_identities: {
    id: string;
    user_id: string;
    provider: string;
    issuer: string;
    subject: string;
    email: string | null;
    created_at: Timestamp;
  };
  oauth_states: {
    state_hash: string;
    provider: string;
    nonce: string;
    code_verifier: string;
    redirect_to: string;
    app_code_challenge: string | null;
    link_user_id: string | null;
    expires_at: Timestamp;
    created_at: Timestamp;
  };
  oauth_grants: {
    code_hash: string;
    user_id: string;
    app_code_challenge: string | null;
    expires_at: Timestamp;
    created_at: Timestamp;
  };
};
