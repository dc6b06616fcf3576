import type { Kysely } from "kysely";
import type { CodeStore, ConsumeResult, NewSecret, StoredSecret } from "../ports.js";
import type { CodePurpose, CodeRow, Database } from "../schema.js";

export function createCodeStore(db: Kysely<Database>): CodeStore {
  return {
    async put(secret: NewSecret) {
      // A new code or link replaces the old one. Its try counter carries over while the
      // replaced code was still live, so asking for a new code never buys more guesses.
      await db
        .insertInto("verification_codes")
        .values({
          user_id: secret.userId,
          purpose: secret.purpose,
          kind: secret.kind,
          secret_hash: secret.secretHash,
          attempts: 0,
          expires_at: secret.expiresAt,
          created_at: secret.now,
        })
        .onConflict((oc) =>
          oc.columns(["user_id", "purpose"]).doUpdateSet((eb) => ({
            kind: secret.kind,
            secret_hash: secret.secretHash,
            attempts: eb
              .case()
              .when("verification_codes.expires_at", ">", secret.now)
              .then(eb.ref("verification_codes.attempts"))
              .else(0)
              .end(),
            expires_at: secret.expiresAt,
            created_at: secret.now,
          })),
        )
        .execute();
    },

    async find(userId, purpose) {
      const row = await db
        .selectFrom("verification_codes")
        .selectAll()
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .executeTakeFirst();
      return row ? toStoredSecret(row) : null;
    },

    async findLiveByHash(purpose, secretHash, now) {
      const row = await db
        .selectFrom("verification_codes")
        .selectAll()
        .where("purpose", "=", purpose)
        .where("secret_hash", "=", secretHash)
        .where("kind", "=", "link")
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row ? toStoredSecret(row) : null;
    },

    consumeForUser: (userId, purpose, secretHash, now, maxAttempts) =>
      presentSecret(db, { userId, purpose, secretHash, now, maxAttempts, consume: true }),

    checkForUser: (userId, purpose, secretHash, now, maxAttempts) =>
      presentSecret(db, { userId, purpose, secretHash, now, maxAttempts, consume: false }),

    async consumeByHash(purpose, secretHash, now) {
      const row = await db
        .deleteFrom("verification_codes")
        .where("purpose", "=", purpose)
        .where("secret_hash", "=", secretHash)
        .where("kind", "=", "link")
        .where("expires_at", ">", now)
        .returningAll()
        .executeTakeFirst();
      return row ? toStoredSecret(row) : null;
    },

    async delete(userId, purpose) {
      await db
        .deleteFrom("verification_codes")
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .execute();
    },

    async purgeExpired(now) {
      const result = await db
        .deleteFrom("verification_codes")
        .where("expires_at", "<=", now)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

interface Presented {
  userId: string;
  purpose: CodePurpose;
  secretHash: string;
  now: Date;
  maxAttempts: number;
  /** Delete the secret when it matches (consume), or only say that it does (check). */
  consume: boolean;
}

async function presentSecret(db: Kysely<Database>, p: Presented): Promise<ConsumeResult> {
  const { userId, purpose, secretHash, now, maxAttempts } = p;
  // One DELETE ... RETURNING: of two concurrent callers with the right code, the second
  // blocks on the row lock, then finds it gone. No read-then-write window.
  const matching = p.consume
    ? await db
        .deleteFrom("verification_codes")
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .where("secret_hash", "=", secretHash)
        .where("expires_at", ">", now)
        .where("attempts", "<", maxAttempts)
        .returningAll()
        .executeTakeFirst()
    : await db
        .selectFrom("verification_codes")
        .selectAll()
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .where("secret_hash", "=", secretHash)
        .where("expires_at", ">", now)
        .where("attempts", "<", maxAttempts)
        .executeTakeFirst();
  if (matching) return { ok: true, secret: toStoredSecret(matching) };

  // A wrong try on a live secret counts, atomically, so parallel guesses cannot
  // exceed the limit.
  const counted = await db
    .updateTable("verification_codes")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("expires_at", ">", now)
    .where("attempts", "<", maxAttempts)
    .returning("attempts")
    .executeTakeFirst();
  if (counted) {
    const attempts = Number(counted.attempts);
    return { ok: false, reason: attempts >= maxAttempts ? "exhausted" : "mismatch", attempts };
  }

  // Nothing live to count against: say why.
  const row = await db
    .selectFrom("verification_codes")
    .select(["attempts", "expires_at"])
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: "missing", attempts: 0 };
  const attempts = Number(row.attempts);
  if (row.expires_at.getTime() <= now.getTime()) {
    return { ok: false, reason: "expired", attempts };
  }
  if (attempts >= maxAttempts) return { ok: false, reason: "exhausted", attempts };
  // The secret was replaced between the statements by a concurrent put: the
  // presented one was not the live one.
  return { ok: false, reason: "mismatch", attempts };
}

function toStoredSecret(row: CodeRow): StoredSecret {
  return {
    userId: row.user_id,
    purpose: row.purpose,
    kind: row.kind,
    attempts: Number(row.attempts),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}
