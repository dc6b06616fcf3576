import type { Kysely, Selectable } from "kysely";
import { isUuid } from "../../crypto/random.js";
import type { MethodStoreFactories } from "../../storage/method-stores.js";
import type { Database } from "../../storage/schema.js";
import { firstRows } from "../../storage/stores/first-rows.js";
import { countSecondFactors, inUserLock } from "../../storage/user-lock.js";
import { createChallengeStore, createFailureStore } from "./store-limits.js";
import {
  type SecondFactor,
  type SecondFactorStore,
  type SecondFactorTables,
  UNCONFIRMED_FACTOR_TTL_MS,
} from "./store-port.js";

export type {
  FactorType,
  FailureMethod,
  FailureState,
  MfaChallenge,
  NewChallenge,
  NewFactor,
  SecondFactor,
  SecondFactorStore,
  SecondFactorTables,
} from "./store-port.js";
export { UNCONFIRMED_FACTOR_TTL_MS } from "./store-port.js";

declare module "../../storage/ports.js" {
  interface MethodStores {
    secondFactors: SecondFactorStore;
  }
}

type Own = Kysely<Database & SecondFactorTables>;

export function createSecondFactorStore(db: Kysely<Database>): SecondFactorStore {
  const own: Own = db.withTables<SecondFactorTables>();
  return {
    async createFactor(factor) {
      const row = await own
        .insertInto("mfa_factors")
        .values({
          id: factor.id,
          user_id: factor.userId,
          type: factor.type,
          name: factor.name,
          secret_sealed: factor.secretSealed,
          confirmed_at: null,
          last_step: null,
          created_at: factor.now,
          last_used_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toFactor(row);
    },

    async findFactor(userId, factorId) {
      // The id comes from a URL: a uuid column must never see a non-UUID.
      if (!isUuid(factorId)) return null;
      const row = await own
        .selectFrom("mfa_factors")
        .selectAll()
        .where("id", "=", factorId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return row ? toFactor(row) : null;
    },

    async listFactors(userId) {
      const rows = await own
        .selectFrom("mfa_factors")
        .selectAll()
        .where("user_id", "=", userId)
        .where("confirmed_at", "is not", null)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toFactor);
    },

    async listFactorsOfUsers(userIds) {
      if (userIds.length === 0) return [];
      const rows = await own
        .selectFrom("mfa_factors")
        .selectAll()
        .where("user_id", "in", [...new Set(userIds)])
        .where("confirmed_at", "is not", null)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return userIds.map((id) => rows.filter((row) => row.user_id === id).map(toFactor));
    },

    confirmFactor: async (userId, factorId, step, now) =>
      !isUuid(factorId)
        ? null
        : // Under the user's lock, as removals are: a confirm and a concurrent removal of the
          // last factor are ordered, and the count of factors moves with each.
          inUserLock(own, userId, async (trx) => {
            // The confirming code's step becomes the last accepted one, in the same statement:
            // the code that confirmed cannot sign in afterwards (ASVS 5.0 6.5.1).
            const row = await trx
              .updateTable("mfa_factors")
              .set({ confirmed_at: now, last_step: step, last_used_at: now })
              .where("id", "=", factorId)
              .where("user_id", "=", userId)
              .where("confirmed_at", "is", null)
              .where("created_at", ">", new Date(now.getTime() - UNCONFIRMED_FACTOR_TTL_MS))
              .returning("id")
              .executeTakeFirst();
            if (!row) return null;
            return { factors: await countSecondFactors(trx, userId, 1, now) };
          }),

    deleteFactor: async (userId, factorId, now) =>
      isUuid(factorId) &&
      inUserLock(own, userId, async (trx) => {
        const gone = await trx
          .deleteFrom("mfa_factors")
          .where("id", "=", factorId)
          .where("user_id", "=", userId)
          .returning("confirmed_at")
          .executeTakeFirst();
        if (!gone) return false;
        if (gone.confirmed_at === null) return true;
        // Under the user's lock, so two removals of the last two factors cannot each see
        // the other and leave codes behind with no factor, of this method or another.
        const left = await countSecondFactors(trx, userId, -1, now);
        if (left === 0) {
          await trx.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
        }
        return true;
      }),

    deleteAllFactors: (userId, now) =>
      inUserLock(own, userId, async (trx) => {
        await trx.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
        await trx.deleteFrom("mfa_failures").where("user_id", "=", userId).execute();
        const gone = await trx
          .deleteFrom("mfa_factors")
          .where("user_id", "=", userId)
          .returning("confirmed_at")
          .execute();
        const confirmed = gone.filter((factor) => factor.confirmed_at !== null).length;
        await countSecondFactors(trx, userId, -confirmed, now);
        return gone.length;
      }),

    async hasConfirmedFactor(userId) {
      const row = await own
        .selectFrom("mfa_factors")
        .select("id")
        .where("user_id", "=", userId)
        .where("confirmed_at", "is not", null)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async dropStaleUnconfirmed(now, limit) {
      const before = new Date(now.getTime() - UNCONFIRMED_FACTOR_TTL_MS);
      // In the order of mfa_factors_unconfirmed, so a batch reads only rows it deletes.
      const stale = own
        .selectFrom("mfa_factors")
        .where("confirmed_at", "is", null)
        .where("created_at", "<=", before)
        .orderBy("created_at");
      const result = await own
        .deleteFrom("mfa_factors")
        .where("confirmed_at", "is", null)
        .where("created_at", "<=", before)
        .where(firstRows(stale, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async claimStep(factorId, step, now) {
      // One conditional UPDATE: the row lock makes concurrent claims of one step queue, and
      // each re-checks `last_step < step` on the row as the winner left it (ASVS 5.0 6.5.1).
      const row = await own
        .updateTable("mfa_factors")
        .set({ last_step: step, last_used_at: now })
        .where("id", "=", factorId)
        .where("confirmed_at", "is not", null)
        .where((eb) => eb.or([eb("last_step", "is", null), eb("last_step", "<", step)]))
        .returning("id")
        .executeTakeFirst();
      return row !== undefined;
    },

    replaceRecoveryCodes: (userId, hashes, now) =>
      inUserLock(own, userId, async (trx) => {
        // Under the user's lock: two concurrent replacements run one after the other, and the
        // second's delete sees the first's codes, so one set is left, never both.
        await trx.deleteFrom("mfa_recovery_codes").where("user_id", "=", userId).execute();
        if (hashes.length === 0) return;
        await trx
          .insertInto("mfa_recovery_codes")
          .values(
            hashes.map((hash) => ({
              user_id: userId,
              code_hash: hash,
              used_at: null,
              created_at: now,
            })),
          )
          .execute();
      }),

    async useRecoveryCode(userId, hash, now) {
      const row = await own
        .updateTable("mfa_recovery_codes")
        .set({ used_at: now })
        .where("user_id", "=", userId)
        .where("code_hash", "=", hash)
        .where("used_at", "is", null)
        .returning("code_hash")
        .executeTakeFirst();
      return row !== undefined;
    },

    async countRecoveryCodesLeft(userId) {
      const row = await own
        .selectFrom("mfa_recovery_codes")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("user_id", "=", userId)
        .where("used_at", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    ...createChallengeStore(own),
    ...createFailureStore(own),
  };
}

/** For the method's index: `stores: secondFactorStores`. */
export const secondFactorStores: MethodStoreFactories = { secondFactors: createSecondFactorStore };

function toFactor(row: Selectable<SecondFactorTables["mfa_factors"]>): SecondFactor {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type,
    name: row.name,
    secretSealed: row.secret_sealed,
    confirmedAt: row.confirmed_at,
    lastStep: row.last_step === null ? null : Number(row.last_step),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
