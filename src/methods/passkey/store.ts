import type { Kysely, Selectable } from "kysely";
import { isUuid } from "../../crypto/random.js";
import type { MethodStoreFactories } from "../../storage/method-stores.js";
import type { Database } from "../../storage/schema.js";
import { firstRows } from "../../storage/stores/first-rows.js";
import { countSecondFactors, inUserLock } from "../../storage/user-lock.js";
import {
  CHALLENGE_TTL_MS,
  type Passkey,
  type PasskeyStore,
  type PasskeyTables,
} from "./store-port.js";

declare module "../../storage/ports.js" {
  interface MethodStores {
    passkeys: PasskeyStore;
  }
}

type Own = Kysely<Database & PasskeyTables>;

export function createPasskeyStore(db: Kysely<Database>): PasskeyStore {
  const own: Own = db.withTables<PasskeyTables>();
  return {
    async userHandle(userId, fresh) {
      // Two first registrations at once: one insert wins, both read the winner's handle.
      await own
        .insertInto("passkey_user_handles")
        .values({ user_id: userId, handle: fresh })
        .onConflict((oc) => oc.column("user_id").doNothing())
        .execute();
      const row = await own
        .selectFrom("passkey_user_handles")
        .select("handle")
        .where("user_id", "=", userId)
        .executeTakeFirstOrThrow();
      return row.handle;
    },

    async userOfHandle(handle) {
      const row = await own
        .selectFrom("passkey_user_handles")
        .select("user_id")
        .where("handle", "=", handle)
        .executeTakeFirst();
      return row?.user_id ?? null;
    },

    async createChallenge(challenge) {
      await own
        .insertInto("passkey_challenges")
        .values({
          challenge_hash: challenge.challengeHash,
          purpose: challenge.purpose,
          user_id: challenge.userId,
          expires_at: new Date(challenge.now.getTime() + CHALLENGE_TTL_MS),
          created_at: challenge.now,
        })
        .execute();
    },

    async consumeChallenge(challengeHash, purpose, userId, now) {
      // One DELETE … RETURNING: a challenge answers one response, however many race for it.
      let query = own
        .deleteFrom("passkey_challenges")
        .where("challenge_hash", "=", challengeHash)
        .where("purpose", "=", purpose)
        .where("expires_at", ">", now);
      if (userId !== null) query = query.where("user_id", "=", userId);
      const row = await query.returning("user_id").executeTakeFirst();
      return row ? { userId: row.user_id } : null;
    },

    async purgeExpiredChallenges(now, limit) {
      const expired = own
        .selectFrom("passkey_challenges")
        .where("expires_at", "<=", now)
        .orderBy("expires_at");
      const result = await own
        .deleteFrom("passkey_challenges")
        .where("expires_at", "<=", now)
        .where(firstRows(expired, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    addPasskey: (passkey) =>
      // Under the user's lock, as every method moves the user's count of factors.
      inUserLock(own, passkey.userId, async (trx) => {
        const row = await trx
          .insertInto("passkey_credentials")
          .values({
            id: passkey.id,
            user_id: passkey.userId,
            credential_id: passkey.credentialId,
            public_key: passkey.publicKey,
            counter: passkey.counter,
            transports: JSON.stringify(passkey.transports),
            device_type: passkey.deviceType,
            backed_up: passkey.backedUp,
            name: passkey.name,
            created_at: passkey.now,
            last_used_at: null,
          })
          .onConflict((oc) => oc.column("credential_id").doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        await countSecondFactors(trx, passkey.userId, 1, passkey.now);
        return toPasskey(row);
      }),

    async findByCredentialId(credentialId) {
      const row = await own
        .selectFrom("passkey_credentials")
        .selectAll()
        .where("credential_id", "=", credentialId)
        .executeTakeFirst();
      return row ? toPasskey(row) : null;
    },

    async findForAssertion(credentialId) {
      const row = await own
        .selectFrom("passkey_credentials as c")
        .leftJoin("passkey_user_handles as h", "h.user_id", "c.user_id")
        .selectAll("c")
        .select("h.handle as owner_handle")
        .where("c.credential_id", "=", credentialId)
        .executeTakeFirst();
      return row ? { passkey: toPasskey(row), ownerHandle: row.owner_handle ?? null } : null;
    },

    async listPasskeys(userId) {
      const rows = await own
        .selectFrom("passkey_credentials")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toPasskey);
    },

    async hasPasskey(userId) {
      const row = await own
        .selectFrom("passkey_credentials")
        .select("id")
        .where("user_id", "=", userId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async recordUse(id, counter, backedUp, now) {
      // The counter check and its move are one UPDATE: two responses with one counter value
      // (a replay, or a cloned authenticator) cannot both pass (WebAuthn Level 3 §6.1.1).
      const row = await own
        .updateTable("passkey_credentials")
        .set({ counter, backed_up: backedUp, last_used_at: now })
        .where("id", "=", id)
        .where((eb) => (counter === 0 ? eb("counter", "=", 0) : eb("counter", "<", counter)))
        .returning("id")
        .executeTakeFirst();
      return row !== undefined;
    },

    async renamePasskey(userId, id, name) {
      // The id comes from a URL: a uuid column must never see a non-UUID.
      if (!isUuid(id)) return null;
      const row = await own
        .updateTable("passkey_credentials")
        .set({ name })
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .returningAll()
        .executeTakeFirst();
      return row ? toPasskey(row) : null;
    },

    deletePasskey: async (userId, id, now) =>
      isUuid(id) &&
      inUserLock(own, userId, async (trx) => {
        const row = await trx
          .deleteFrom("passkey_credentials")
          .where("id", "=", id)
          .where("user_id", "=", userId)
          .returning("id")
          .executeTakeFirst();
        if (row) await countSecondFactors(trx, userId, -1, now);
        return row !== undefined;
      }),

    deleteAllPasskeys: (userId, now) =>
      inUserLock(own, userId, async (trx) => {
        const gone = await trx
          .deleteFrom("passkey_credentials")
          .where("user_id", "=", userId)
          .returning("id")
          .execute();
        await countSecondFactors(trx, userId, -gone.length, now);
        return gone.length;
      }),
  };
}

/** For the method's index: `stores: passkeyStores`. */
export const passkeyStores: MethodStoreFactories = { passkeys: createPasskeyStore };

function toPasskey(row: Selectable<PasskeyTables["passkey_credentials"]>): Passkey {
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: JSON.parse(row.transports) as string[],
    deviceType: row.device_type,
    backedUp: row.backed_up,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
