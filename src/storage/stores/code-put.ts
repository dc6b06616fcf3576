import type { Kysely } from "kysely";
import type { NewSecret } from "../ports.js";
import type { Database } from "../schema.js";

/** CodeStore.put: stores a new email or reset secret (ports.ts says which replaces what). */
export async function putSecret(db: Kysely<Database>, secret: NewSecret): Promise<void> {
  if (secret.purpose === "email" && secret.resend) {
    // Read before the delete below removes the codes whose tries carry over.
    const carried = await carriedAttempts(db, secret).executeTakeFirst();
    const attempts = Number(carried?.attempts ?? 0);
    const signUpId = secret.signUp?.id ?? null;
    await db
      .deleteFrom("verification_codes")
      .where("user_id", "=", secret.userId)
      .where("purpose", "=", "email")
      .where((eb) =>
        signUpId === null ? eb("sign_up_id", "is", null) : eb("sign_up_id", "=", signUpId),
      )
      .execute();
    await db
      .insertInto("verification_codes")
      .values({ ...secretColumns(secret), attempts })
      .execute();
    return;
  }
  const insert = insertSecret(db, secret);
  if (secret.purpose === "email") {
    // Beside the others: each pending sign-up's code works until it expires.
    await insert.execute();
    return;
  }
  // One live reset secret per user: this one replaces any other, burned or not.
  await insert
    .onConflict((oc) =>
      oc
        .columns(["user_id", "purpose"])
        .where("purpose", "=", "reset")
        .doUpdateSet((eb) => ({
          kind: eb.ref("excluded.kind"),
          secret_hash: eb.ref("excluded.secret_hash"),
          attempts: eb.ref("excluded.attempts"),
          expires_at: eb.ref("excluded.expires_at"),
          created_at: eb.ref("excluded.created_at"),
        })),
    )
    .execute();
}

/**
 * The INSERT of a secret that is no resend, beside the user's others. The carried tries are
 * read inside it: one round trip, the same snapshot. A part of larger statements too.
 */
export function insertSecret(db: Kysely<Database>, secret: NewSecret) {
  const carried = carriedAttempts(db, secret);
  return db
    .insertInto("verification_codes")
    .values((eb) => ({ ...secretColumns(secret), attempts: eb.fn.coalesce(carried, eb.lit(0)) }));
}

/**
 * Tries of the user's recent live secrets carry over, so asking again never buys guesses;
 * see NewSecret.carryAttemptsSince.
 */
function carriedAttempts(db: Kysely<Database>, secret: NewSecret) {
  let carried = db
    .selectFrom("verification_codes")
    .select((eb) => eb.fn.max<number | null>("attempts").as("attempts"))
    .where("user_id", "=", secret.userId)
    .where("purpose", "=", secret.purpose)
    .where("expires_at", ">", secret.now);
  if (secret.carryAttemptsSince) {
    carried = carried.where("created_at", ">", secret.carryAttemptsSince);
  }
  return carried;
}

function secretColumns(secret: NewSecret) {
  return {
    user_id: secret.userId,
    purpose: secret.purpose,
    kind: secret.kind,
    secret_hash: secret.secretHash,
    expires_at: secret.expiresAt,
    created_at: secret.now,
    sign_up_id: secret.signUp?.id ?? null,
    password_hash: secret.signUp?.passwordHash ?? null,
    name: secret.signUp?.name ?? null,
    username: secret.signUp?.username ?? null,
    locale: secret.signUp?.locale ?? null,
    signed_up_at: secret.signUp?.signedUpAt ?? null,
  };
}
