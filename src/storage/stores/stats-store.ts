import { type Kysely, sql } from "kysely";
import type { AccountCounts, StatsStore } from "../ports.js";
import type { Database } from "../schema.js";

/**
 * Counts for operators: three aggregate queries, no rows leave the database. A scrape runs
 * them, so they stay one pass over users, one over refresh_sessions and one over the open
 * webhook deliveries (a partial index holds only those).
 */
export function createStatsStore(db: Kysely<Database>): StatsStore {
  return {
    async accountCounts(now: Date): Promise<AccountCounts> {
      const groups = await db
        .selectFrom("users")
        .select([
          "status",
          "role",
          sql<number>`count(*)::int`.as("users"),
          // bcrypt in every prefix ($2a$, $2b$, $2y$): imported, upgraded at the next login.
          sql<number>`count(*) filter (where password_hash like '$2%')::int`.as("legacy"),
          sql<number>`count(*) filter (where second_factors > 0)::int`.as("with_mfa"),
        ])
        .groupBy(["status", "role"])
        .execute();
      const live = await db
        .selectFrom("refresh_sessions")
        .select(sql<number>`count(*)::int`.as("count"))
        // A session is the live head of a refresh-token family.
        .where("revoked_at", "is", null)
        .where("replaced_by", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirstOrThrow();
      const queue = await db
        .selectFrom("webhook_deliveries")
        .select([
          sql<number>`count(*)::int`.as("pending"),
          sql<Date | null>`min(created_at)`.as("oldest"),
        ])
        // The states the delivery worker still has to finish: the due index's predicate.
        .where("status", "in", ["pending", "sending"])
        .executeTakeFirstOrThrow();
      return {
        groups: groups.map((group) => ({
          status: group.status,
          role: group.role,
          users: Number(group.users),
          legacyHashes: Number(group.legacy),
          withMfa: Number(group.with_mfa),
        })),
        liveSessions: Number(live.count),
        webhookQueue: {
          pending: Number(queue.pending),
          oldestPendingAt: queue.oldest === null ? null : new Date(queue.oldest),
        },
      };
    },
  };
}
