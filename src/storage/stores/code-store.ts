import type { Kysely } from "kysely";
import { safeEqual } from "../../crypto/digest.js";
import type { CodeStore, ConsumeResult, StoredSecret } from "../ports.js";
import type { CodePurpose, CodeRow, Database } from "../schema.js";
import { putSecret } from "./code-put.js";
import { firstRows } from "./first-rows.js";

export function createCodeStore(db: Kysely<Database>): CodeStore {
  return {
    put: (secret) => putSecret(db, secret),

    async find(userId, purpose) {
      const row = await db
        .selectFrom("verification_codes")
        .selectAll()
        .where("user_id", "=", userId)
        .where("purpose", "=", purpose)
        .orderBy("created_at", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? toStoredSecret(row) : null;
    },

    async findSignUp(signUpId, now) {
      const row = await db
        .selectFrom("verification_codes")
        .selectAll()
        .where("sign_up_id", "=", signUpId)
        .where("expires_at", ">", now)
        .limit(1)
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

    async takeChecked(userId, purpose, secretHash, now) {
      const row = await takeLive(db, userId, purpose, secretHash, now);
      return row ? toStoredSecret(row) : null;
    },

    async countSubjectGuess(subject, purpose, now, maxAttempts, ttlSeconds) {
      // One upsert: concurrent guesses each count once. A window that ran out starts again,
      // as a new code would.
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
      const row = await db
        .insertInto("code_guesses")
        .values({ subject, purpose, attempts: 1, expires_at: expiresAt })
        .onConflict((oc) =>
          oc.columns(["subject", "purpose"]).doUpdateSet((eb) => ({
            attempts: eb
              .case()
              .when("code_guesses.expires_at", "<=", now)
              .then(1)
              .else(eb("code_guesses.attempts", "+", 1))
              .end(),
            expires_at: eb
              .case()
              .when("code_guesses.expires_at", "<=", now)
              .then(expiresAt)
              .else(eb.ref("code_guesses.expires_at"))
              .end(),
          })),
        )
        .returning("attempts")
        .executeTakeFirstOrThrow();
      const attempts = Number(row.attempts);
      return { ok: false, reason: attempts >= maxAttempts ? "exhausted" : "mismatch", attempts };
    },

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

    async purgeExpired(now, limit) {
      const oldest = (table: "verification_codes" | "code_guesses") =>
        db.selectFrom(table).where("expires_at", "<=", now).orderBy("expires_at");
      const result = await db
        .deleteFrom("verification_codes")
        .where("expires_at", "<=", now)
        .where(firstRows(oldest("verification_codes"), limit))
        .executeTakeFirst();
      // Up to `limit` of each: a batch is then at most twice that, still small.
      const guesses = await db
        .deleteFrom("code_guesses")
        .where("expires_at", "<=", now)
        .where(firstRows(oldest("code_guesses"), limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows) + Number(guesses.numDeletedRows);
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
  // Count first, compare after (OWASP ASVS 5.0 V6.3.1; NIST SP 800-63B-4 3.2.2): one
  // UPDATE ... RETURNING takes a try from every live secret with tries left. Of concurrent
  // guesses with one try left, only one is counted and compared; the rest find none left.
  const counted = await db
    .updateTable("verification_codes")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("expires_at", ">", now)
    .where("attempts", "<", maxAttempts)
    .returning(["secret_hash", "attempts"])
    .execute();
  if (counted.length > 0) {
    // Every candidate is compared, in constant time, so the time says nothing of which.
    let matched: string | null = null;
    for (const row of counted) {
      if (safeEqual(row.secret_hash, secretHash)) matched = row.secret_hash;
    }
    const attempts = Math.max(...counted.map((row) => Number(row.attempts)));
    if (matched !== null) {
      const taken = p.consume
        ? await takeLive(db, userId, purpose, matched, now)
        : await db
            .selectFrom("verification_codes")
            .selectAll()
            .where("secret_hash", "=", matched)
            .where("expires_at", ">", now)
            .executeTakeFirst();
      // Gone: a concurrent caller with the same code consumed it first.
      if (taken) return { ok: true, secret: toStoredSecret(taken) };
      return { ok: false, reason: "mismatch", attempts };
    }
    return { ok: false, reason: attempts >= maxAttempts ? "exhausted" : "mismatch", attempts };
  }

  // Nothing live with tries left: say why.
  const rows = await db
    .selectFrom("verification_codes")
    .select(["attempts", "expires_at"])
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .execute();
  if (rows.length === 0) return { ok: false, reason: "missing", attempts: 0 };
  const live = rows.filter((row) => row.expires_at.getTime() > now.getTime());
  if (live.length === 0) {
    return {
      ok: false,
      reason: "expired",
      attempts: Math.max(...rows.map((r) => Number(r.attempts))),
    };
  }
  return {
    ok: false,
    reason: "exhausted",
    attempts: Math.max(...live.map((r) => Number(r.attempts))),
  };
}

function takeLive(
  db: Kysely<Database>,
  userId: string,
  purpose: CodePurpose,
  secretHash: string,
  now: Date,
): Promise<CodeRow | undefined> {
  return db
    .deleteFrom("verification_codes")
    .where("user_id", "=", userId)
    .where("purpose", "=", purpose)
    .where("secret_hash", "=", secretHash)
    .where("expires_at", ">", now)
    .returningAll()
    .executeTakeFirst();
}

function toStoredSecret(row: CodeRow): StoredSecret {
  return {
    userId: row.user_id,
    purpose: row.purpose,
    kind: row.kind,
    attempts: Number(row.attempts),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    ...(row.sign_up_id !== null && row.password_hash !== null && row.signed_up_at !== null
      ? {
          signUp: {
            id: row.sign_up_id,
            passwordHash: row.password_hash,
            name: row.name,
            username: row.username,
            locale: row.locale,
            signedUpAt: row.signed_up_at,
          },
        }
      : {}),
  };
}
