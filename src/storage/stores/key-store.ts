import type { Kysely } from "kysely";
import type { KeyStore, SigningKeyRecord } from "../ports.js";
import type { Database, JsonWebKeyRecord, SigningKeyRow } from "../schema.js";

export function createKeyStore(db: Kysely<Database>): KeyStore {
  return {
    async listPublished(now) {
      const rows = await db
        .selectFrom("signing_keys")
        .selectAll()
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
        .orderBy("created_at", "desc")
        .orderBy("kid", "desc")
        .execute();
      return rows.map(toKeyRecord);
    },

    async insert(key: SigningKeyRecord) {
      await db
        .insertInto("signing_keys")
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: JSON.stringify(key.publicJwk),
          private_jwk: JSON.stringify(key.privateJwk),
          created_at: key.createdAt,
          retired_at: key.retiredAt,
          expires_at: key.expiresAt,
        })
        .execute();
    },

    async retireAllExcept(kid, now, expiresAt) {
      // Keys retired earlier keep their own, earlier, end of publication.
      await db
        .updateTable("signing_keys")
        .set({ retired_at: now, expires_at: expiresAt })
        .where("kid", "!=", kid)
        .where("retired_at", "is", null)
        .execute();
    },

    async purgeExpired(now) {
      const result = await db
        .deleteFrom("signing_keys")
        .where("expires_at", "is not", null)
        .where("expires_at", "<=", now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function toKeyRecord(row: SigningKeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: parseJwk(row.public_jwk),
    privateJwk: parseJwk(row.private_jwk),
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}

/** pg and PGlite parse jsonb into objects; a driver without that parser hands back text. */
function parseJwk(value: JsonWebKeyRecord | string): JsonWebKeyRecord {
  return typeof value === "string" ? (JSON.parse(value) as JsonWebKeyRecord) : value;
}
