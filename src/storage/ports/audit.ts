import type { AuditDetails, AuditOutcome } from "../schema.js";

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
  /** One statement: all are written or none. */
  insertMany(events: readonly AuditEvent[]): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEvent[]>;
  /** `limit`: delete at most that many rows (one purge batch); unset, all of them. */
  purgeOlderThan(cutoff: Date, limit?: number): Promise<number>;
}
