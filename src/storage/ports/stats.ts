import type { UserRole, UserStatus } from "../schema.js";

/** Users of one (status, role), and how many of them still have a legacy (bcrypt) hash. */
export interface AccountGroup {
  status: UserStatus;
  role: UserRole;
  users: number;
  legacyHashes: number;
  /** Users with at least one confirmed second factor. */
  withMfa: number;
}

export interface AccountCounts {
  /** Only the (status, role) pairs that have users. */
  groups: AccountGroup[];
  liveSessions: number;
  /** Webhook deliveries not yet delivered or failed, and when the oldest of them was written. */
  webhookQueue: { pending: number; oldestPendingAt: Date | null };
}

export interface StatsStore {
  /** Aggregates only: cheap enough to run on every metrics scrape. */
  accountCounts(now: Date): Promise<AccountCounts>;
}
