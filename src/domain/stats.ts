import type { AccountCounts } from "../storage/ports.js";
import type { Deps } from "./deps.js";
import { USER_ROLES, USER_STATUSES, type UserRole, type UserStatus } from "./vocabulary.js";

/** What an operator wants to know at a glance, for the admin API, the CLI and metrics. */
export interface AccountStats {
  users: {
    total: number;
    byStatus: Record<UserStatus, number>;
    byRole: Record<UserRole, number>;
  };
  /** Users whose password is still an imported bcrypt hash (upgraded at their next login). */
  legacyPasswordHashes: number;
  /** Live sessions: refresh-token families neither revoked nor expired. */
  sessions: { live: number };
  /** Users with at least one confirmed second factor (an app, a passkey). */
  mfa: { enabled: number };
}

export async function getAccountStats(deps: Pick<Deps, "stores" | "clock">): Promise<AccountStats> {
  return summarize(await deps.stores.stats.accountCounts(deps.clock()));
}

/** Every status and role is present, zero when no user has it, so readers need no defaults. */
export function summarize(counts: AccountCounts): AccountStats {
  const byStatus = zeroes(USER_STATUSES);
  const byRole = zeroes(USER_ROLES);
  let total = 0;
  let legacy = 0;
  let withMfa = 0;
  for (const group of counts.groups) {
    byStatus[group.status] += group.users;
    byRole[group.role] += group.users;
    total += group.users;
    legacy += group.legacyHashes;
    withMfa += group.withMfa;
  }
  return {
    users: { total, byStatus, byRole },
    legacyPasswordHashes: legacy,
    sessions: { live: counts.liveSessions },
    mfa: { enabled: withMfa },
  };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}
