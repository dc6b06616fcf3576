import type { UserRole, UserStatus } from "../schema.js";

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
