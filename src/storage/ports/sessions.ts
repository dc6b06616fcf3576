import type { Assurance } from "../../domain/vocabulary.js";
import type { UserRecord } from "./users.js";
import type { SessionEventTemplate } from "./webhooks.js";

export interface SessionRecord {
  /** How the session was proven; kept through every refresh. */
  assurance: Assurance;
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
  /** session.created, written by the insert's own statement for the family id. */
  event?: SessionEventTemplate | undefined;
}

/** The next token of a chain: family, user, start and assurance come from the rotated session. */
export type SessionReplacement = Omit<
  NewSession,
  "familyId" | "userId" | "familyStartedAt" | "assurance" | "event"
>;

/**
 * session.revoked for the user a revoke locked: the revoke's UPDATE writes it for each
 * session (family) it ends, in the same statement. Nothing when nothing was live.
 */
export type RevokedEvent = (user: UserRecord) => SessionEventTemplate;

export interface RevokeAllOptions {
  exceptFamilyId?: string | undefined;
  event?: RevokedEvent | undefined;
}

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

/**
 * A presented refresh token as the store finds it (domain/refresh-token.ts): the row it
 * names, and the SHA-256 of the whole token, which that row must hold. `sessionId` is null
 * for a token issued before tokens named their row: found by its hash alone.
 */
export interface RefreshTokenRef {
  sessionId: string | null;
  tokenHash: string;
}

/** One rotation of a set rotated together (see SessionStore.rotate). */
export interface RotationRequest {
  token: RefreshTokenRef;
  replacement: SessionReplacement;
}

/** One access token's session, asked with others (see SessionStore.findLive). */
export interface LiveQuery {
  userId: string;
  familyId: string;
  now: Date;
}

/*
 * The *Many methods are one statement each, all or nothing, answering one output per input
 * in order: batching.ts turns concurrent single calls into them.
 */
export interface SessionStore {
  create(session: NewSession): Promise<SessionRecord>;
  createMany(sessions: readonly NewSession[]): Promise<SessionRecord[]>;
  findByToken(token: RefreshTokenRef): Promise<SessionRecord | null>;
  /**
   * Atomically mark the live session of this token as replaced by `replacement`
   * and insert the replacement. Null when the token is not live (unknown, revoked,
   * rotated or expired): the caller decides whether that is reuse. Of concurrent
   * rotations of one token exactly one succeeds.
   */
  rotate(token: RefreshTokenRef, replacement: SessionReplacement): Promise<Rotation | null>;
  /** A token asked twice in one set is rotated once: the later copies answer null. */
  rotateMany(rotations: readonly RotationRequest[]): Promise<(Rotation | null)[]>;
  /**
   * User `userId`, and whether their session (family) `familyId` still has a live token;
   * null when there is no such user. Every authenticated request asks this.
   */
  findLive(userId: string, familyId: string, now: Date): Promise<LiveSession | null>;
  findLiveMany(queries: readonly LiveQuery[]): Promise<(LiveSession | null)[]>;
  /**
   * Revokes take the user's row lock before they write, and a rotation holds it shared
   * while it writes: a revoke that returned leaves no token of theirs that can refresh,
   * even one a concurrent rotation was inserting.
   */
  revokeFamily(familyId: string, now: Date, event?: RevokedEvent): Promise<number>;
  revokeAllForUser(userId: string, now: Date, options?: RevokeAllOptions): Promise<number>;
  listLiveForUser(userId: string, now: Date): Promise<SessionRecord[]>;
  /** `limit`: delete at most that many rows (one purge batch); unset, all of them. */
  purgeExpired(now: Date, limit?: number): Promise<number>;
}
