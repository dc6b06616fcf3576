import type { OutboxStatus } from "../schema.js";

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

export interface SentMail {
  id: string;
  sentAt: Date;
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
  /** markSent for many, in one statement: each message with its own time. */
  markSentMany(sent: readonly SentMail[]): Promise<void>;
  /** Back to the queue at `retryAt`, or dead when retryAt is null. */
  markFailed(id: string, error: string, retryAt: Date | null): Promise<void>;
  get(id: string): Promise<OutboxEntry | null>;
  listDead(limit: number): Promise<OutboxEntry[]>;
  /** A dead message goes back to the queue with a fresh attempt count; false if none. */
  requeue(id: string, now: Date): Promise<boolean>;
  countByStatus(): Promise<Record<OutboxStatus, number>>;
  /** Sent messages older than the cutoff go (at most `limit` of them; unset, all). */
  purgeSent(cutoff: Date, limit?: number): Promise<number>;
}
