import type { Kysely, Selectable } from "kysely";
import { isUuid } from "../../crypto/random.js";
import type { MethodStoreFactories } from "../../storage/method-stores.js";
import type { Database } from "../../storage/schema.js";
import { firstRows } from "../../storage/stores/first-rows.js";
import { inUserLock } from "../../storage/user-lock.js";
import {
  GRANT_TTL_MS,
  type Identity,
  type OAuthStore,
  type OAuthTables,
  STATE_TTL_MS,
} from "./store-port.js";

declare module "../../storage/ports.js" {
  interface MethodStores {
    oauth: OAuthStore;
  }
}

type Own = Kysely<Database & OAuthTables>;

export function createOAuthStore(db: Kysely<Database>): OAuthStore {
  const own: Own = db.withTables<OAuthTables>();
  return {
    async createState(state, now) {
      await own
        .insertInto("oauth_states")
        .values({
          state_hash: state.stateHash,
          provider: state.provider,
          nonce: state.nonce,
          code_verifier: state.codeVerifier,
          redirect_to: state.redirectTo,
          app_code_challenge: state.appCodeChallenge,
          link_user_id: state.linkUserId,
          expires_at: new Date(now.getTime() + STATE_TTL_MS),
          created_at: now,
        })
        .execute();
    },

    async consumeState(stateHash, provider, now) {
      // One DELETE … RETURNING: a state answers one callback, however many race for it.
      const row = await own
        .deleteFrom("oauth_states")
        .where("state_hash", "=", stateHash)
        .where("provider", "=", provider)
        .where("expires_at", ">", now)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      return {
        stateHash: row.state_hash,
        provider: row.provider,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        redirectTo: row.redirect_to,
        appCodeChallenge: row.app_code_challenge,
        linkUserId: row.link_user_id,
      };
    },

    async createGrant(codeHash, grant, now) {
      await own
        .insertInto("oauth_grants")
        .values({
          code_hash: codeHash,
          user_id: grant.userId,
          app_code_challenge: grant.appCodeChallenge,
          expires_at: new Date(now.getTime() + GRANT_TTL_MS),
          created_at: now,
        })
        .execute();
    },

    async consumeGrant(codeHash, now) {
      const row = await own
        .deleteFrom("oauth_grants")
        .where("code_hash", "=", codeHash)
        .where("expires_at", ">", now)
        .returning(["user_id", "app_code_challenge"])
        .executeTakeFirst();
      return row ? { userId: row.user_id, appCodeChallenge: row.app_code_challenge } : null;
    },

    async findIdentity(provider, issuer, subject) {
      const row = await own
        .selectFrom("oauth_identities")
        .selectAll()
        .where("provider", "=", provider)
        .where("issuer", "=", issuer)
        .where("subject", "=", subject)
        .executeTakeFirst();
      return row ? toIdentity(row) : null;
    },

    async addIdentity(identity) {
      const row = await own
        .insertInto("oauth_identities")
        .values({
          id: identity.id,
          user_id: identity.userId,
          provider: identity.provider,
          issuer: identity.issuer,
          subject: identity.subject,
          email: identity.email,
          created_at: identity.now,
        })
        .onConflict((oc) => oc.constraint("oauth_identities_key").doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toIdentity(row) : null;
    },

    async listIdentities(userId) {
      const rows = await own
        .selectFrom("oauth_identities")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map(toIdentity);
    },

    removeIdentity: async (userId, id, otherWayIn) => {
      // The id comes from a URL: a uuid column must never see a non-UUID.
      if (!isUuid(id)) return "not_found";
      // Under the user's lock: two removals at once cannot each see the other identity and
      // leave the user with no way in.
      return inUserLock(own, userId, async (trx) => {
        const rows = await trx
          .selectFrom("oauth_identities")
          .select("id")
          .where("user_id", "=", userId)
          .execute();
        if (!rows.some((row) => row.id === id)) return "not_found";
        if (rows.length === 1 && !otherWayIn) return "last";
        await trx.deleteFrom("oauth_identities").where("id", "=", id).execute();
        return "removed";
      });
    },

    async purgeExpired(now, limit) {
      // Up to `limit` of each, as the code store does: a batch is at most twice that.
      const states = await own
        .deleteFrom("oauth_states")
        .where("expires_at", "<=", now)
        .where(
          firstRows(
            own.selectFrom("oauth_states").where("expires_at", "<=", now).orderBy("expires_at"),
            limit,
          ),
        )
        .executeTakeFirst();
      const grants = await own
        .deleteFrom("oauth_grants")
        .where("expires_at", "<=", now)
        .where(
          firstRows(
            own.selectFrom("oauth_grants").where("expires_at", "<=", now).orderBy("expires_at"),
            limit,
          ),
        )
        .executeTakeFirst();
      return Number(states.numDeletedRows) + Number(grants.numDeletedRows);
    },
  };
}

/** For the method's index: `stores: oauthStores`. */
export const oauthStores: MethodStoreFactories = { oauth: createOAuthStore };

function toIdentity(row: Selectable<OAuthTables["oauth_identities"]>): Identity {
  return {
    id: row.id,
    userId: row.user_id,
    provider: row.provider,
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    createdAt: row.created_at,
  };
}
