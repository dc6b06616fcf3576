import { type Kysely, sql } from "kysely";
import type { AccountCounts, StatsStore } from "../ports.js";
import type { Database } from "../schema.js";

/**
 * Counts for operators: two aggregate queries, no rows leave the database. A scrape runs
 * them, so they stay one pass over users and one over refresh_sessions.
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
      return {
        groups: groups.map((group) => ({
          status: group.status,
          role: group.role,
          users: Number(group.users),
          legacyHashes: Number(group.legacy),
        })),
        liveSessions: Number(live.count),
      };
    },
  };
}
