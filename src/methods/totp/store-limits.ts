import { type Kysely, type Selectable, sql } from "kysely";
import type { AuthMethod } from "../../domain/vocabulary.js";
import type { Database } from "../../storage/schema.js";
import { firstRows } from "../../storage/stores/first-rows.js";
import type {
  FailureState,
  LiveChallengeWithFailures,
  MfaChallenge,
  SecondFactorStore,
  SecondFactorTables,
} from "./store-port.js";

/*
 * The second factor's limits: the challenge (mfaToken) with its count of wrong codes, and
 * the consecutive failures per user and method. Each decision is one statement.
 */

type Own = Kysely<Database & SecondFactorTables>;

type ChallengeMethods = Pick<
  SecondFactorStore,
  | "createChallenge"
  | "findLiveChallenge"
  | "findLiveChallengeWithFailures"
  | "findLiveChallengesWithFailures"
  | "countChallengeFailure"
  | "consumeChallenge"
  | "claimStepAndConsume"
  | "purgeExpiredChallenges"
>;

export function createChallengeStore(own: Own): ChallengeMethods {
  return {
    async createChallenge(challenge) {
      await own
        .insertInto("mfa_challenges")
        .values({
          token_hash: challenge.tokenHash,
          user_id: challenge.userId,
          proofs: challenge.proofs,
          ip: challenge.ip,
          user_agent: challenge.userAgent,
          expires_at: challenge.expiresAt,
          used_at: null,
          created_at: challenge.now,
        })
        .execute();
    },

    async findLiveChallenge(tokenHash, now) {
      const row = await own
        .selectFrom("mfa_challenges")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row ? toChallenge(row) : null;
    },

    async findLiveChallengeWithFailures(tokenHash, now, method) {
      const row = await own
        .selectFrom("mfa_challenges as c")
        .leftJoin("mfa_failures as f", (join) =>
          join.onRef("f.user_id", "=", "c.user_id").on("f.method", "=", method),
        )
        .selectAll("c")
        .select([
          "f.consecutive as failure_consecutive",
          "f.last_failed_at as failure_last_failed_at",
          "f.locked_at as failure_locked_at",
        ])
        .where("c.token_hash", "=", tokenHash)
        .where("c.used_at", "is", null)
        .where("c.expires_at", ">", now)
        .executeTakeFirst();
      return row ? withFailures(row) : null;
    },

    async findLiveChallengesWithFailures(queries) {
      if (queries.length === 0) return [];
      const { rows } = await sql<ChallengeWithFailuresRow & { n: string }>`
        select q.n, c.*, f.consecutive as failure_consecutive,
               f.last_failed_at as failure_last_failed_at, f.locked_at as failure_locked_at
          from unnest(${queries.map((q) => q.tokenHash)}::text[],
                      ${queries.map((q) => q.now.toISOString())}::timestamptz[],
                      ${queries.map((q) => q.method)}::text[])
               with ordinality as q (token_hash, at, method, n)
          join mfa_challenges c
            on c.token_hash = q.token_hash and c.used_at is null and c.expires_at > q.at
          left join mfa_failures f on f.user_id = c.user_id and f.method = q.method`.execute(own);
      const byIndex = new Map(rows.map((row) => [Number(row.n) - 1, row]));
      return queries.map((_, i) => {
        const row = byIndex.get(i);
        return row ? withFailures(row) : null;
      });
    },

    async countChallengeFailure(tokenHash, now, max) {
      // Counted and, at `max`, killed in one UPDATE: concurrent wrong codes each count once,
      // and none is counted on a dead challenge.
      const row = await own
        .updateTable("mfa_challenges")
        .set((eb) => ({
          failures: eb("failures", "+", 1),
          used_at: eb
            .case()
            .when(eb("failures", "+", 1), ">=", max)
            .then(now)
            .else(eb.ref("used_at"))
            .end(),
        }))
        .where("token_hash", "=", tokenHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .returning("failures")
        .executeTakeFirst();
      return row ? Number(row.failures) : null;
    },

    async consumeChallenge(tokenHash, now) {
      const row = await own
        .updateTable("mfa_challenges")
        .set({ used_at: now })
        .where("token_hash", "=", tokenHash)
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .returningAll()
        .executeTakeFirst();
      return row ? toChallenge(row) : null;
    },

    async claimStepAndConsume(factorId, step, tokenHash, now) {
      // claimStep's UPDATE, then consumeChallenge's on its result: one round trip, and the
      // same guarantees, as each re-checks its row under the row's lock (ASVS 5.0 6.5.1).
      const row = await own
        .with("claimed", (db) =>
          db
            .updateTable("mfa_factors")
            .set({ last_step: step, last_used_at: now })
            .where("id", "=", factorId)
            .where("confirmed_at", "is not", null)
            .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", step)]))
            .returning("id"),
        )
        .with("consumed", (db) =>
          db
            .updateTable("mfa_challenges")
            .set({ used_at: now })
            .where("token_hash", "=", tokenHash)
            .where("used_at", "is", null)
            .where("expires_at", ">", now)
            .where((eb) => eb.exists(eb.selectFrom("claimed").select("claimed.id")))
            .returningAll(),
        )
        .selectFrom("claimed")
        .leftJoin("consumed", (join) => join.onTrue())
        .selectAll("consumed")
        .executeTakeFirst();
      if (!row) return { claimed: false, challenge: null };
      if (row.token_hash === null) return { claimed: true, challenge: null };
      // The left join makes every column nullable; a row that has its key has them all.
      const consumed = row as Selectable<SecondFactorTables["mfa_challenges"]>;
      return { claimed: true, challenge: toChallenge(consumed) };
    },

    async purgeExpiredChallenges(now, limit) {
      const expired = own
        .selectFrom("mfa_challenges")
        .where("expires_at", "<=", now)
        .orderBy("expires_at");
      const result = await own
        .deleteFrom("mfa_challenges")
        .where("expires_at", "<=", now)
        .where(firstRows(expired, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

type FailureMethods = Pick<SecondFactorStore, "recordFailure" | "clearFailures" | "failureState">;

export function createFailureStore(own: Own): FailureMethods {
  return {
    async recordFailure(userId, method, now, lockAt) {
      // One upsert: concurrent failures each count once, and the one that reaches `lockAt`
      // locks; a lock, once set, keeps its moment (NIST SP 800-63B-4 §3.2.2).
      const row = await own
        .insertInto("mfa_failures")
        .values({
          user_id: userId,
          method,
          consecutive: 1,
          last_failed_at: now,
          locked_at: lockAt <= 1 ? now : null,
        })
        .onConflict((oc) =>
          oc.columns(["user_id", "method"]).doUpdateSet((eb) => ({
            consecutive: eb("mfa_failures.consecutive", "+", 1),
            last_failed_at: now,
            locked_at: eb
              .case()
              .when(
                eb.and([
                  eb("mfa_failures.locked_at", "is", null),
                  eb(eb("mfa_failures.consecutive", "+", 1), ">=", lockAt),
                ]),
              )
              .then(now)
              .else(eb.ref("mfa_failures.locked_at"))
              .end(),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toFailureState(row);
    },

    async clearFailures(userId, method) {
      await own
        .updateTable("mfa_failures")
        .set({ consecutive: 0 })
        .where("user_id", "=", userId)
        .where("method", "=", method)
        .execute();
    },

    async failureState(userId, method) {
      const row = await own
        .selectFrom("mfa_failures")
        .selectAll()
        .where("user_id", "=", userId)
        .where("method", "=", method)
        .executeTakeFirst();
      return row ? toFailureState(row) : { consecutive: 0, lastFailedAt: null, lockedAt: null };
    },
  };
}

function toFailureState(row: Selectable<SecondFactorTables["mfa_failures"]>): FailureState {
  return {
    consecutive: Number(row.consecutive),
    lastFailedAt: row.last_failed_at,
    lockedAt: row.locked_at,
  };
}

type ChallengeWithFailuresRow = Selectable<SecondFactorTables["mfa_challenges"]> & {
  failure_consecutive: number | null;
  failure_last_failed_at: Date | null;
  failure_locked_at: Date | null;
};

function withFailures(row: ChallengeWithFailuresRow): LiveChallengeWithFailures {
  return {
    challenge: toChallenge(row),
    failures: {
      consecutive: Number(row.failure_consecutive ?? 0),
      lastFailedAt: row.failure_last_failed_at ?? null,
      lockedAt: row.failure_locked_at ?? null,
    },
  };
}

function toChallenge(row: Selectable<SecondFactorTables["mfa_challenges"]>): MfaChallenge {
  return {
    userId: row.user_id,
    proofs: (typeof row.proofs === "string"
      ? parseTextArray(row.proofs)
      : row.proofs) as AuthMethod[],
    ip: row.ip,
    userAgent: row.user_agent,
    expiresAt: row.expires_at,
    failures: Number(row.failures),
    usedAt: row.used_at,
    createdAt: row.created_at,
  };
}

/** `{pwd,email}`: an array a driver handed over as text (the values are plain words). */
function parseTextArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",");
}
