import type { Kysely } from "kysely";
import type { NewSecret } from "../ports.js";
import type { Database } from "../schema.js";

/** CodeStore.put: stores a new email or reset secret (ports.ts says which replaces what). */
export async function putSecret(db: Kysely<Database>, secret: NewSecret): Promise<void> {
  // Tries of the user's recent live secrets carry over, so asking again never buys
  // guesses; see NewSecret.carryAttemptsSince.
  let carried = db
    .selectFrom("verification_codes")
    .select((eb) => eb.fn.max<number | null>("attempts").as("attempts"))
    .where("user_id", "=", secret.userId)
    .where("purpose", "=", secret.purpose)
    .where("expires_at", ">", secret.now);
  if (secret.carryAttemptsSince) {
    carried = carried.where("created_at", ">", secret.carryAttemptsSince);
  }
  const values = {
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
  if (secret.purpose === "email" && secret.resend) {
    // Read before the delete below removes the codes whose tries carry over.
    const attempts = Number((await carried.executeTakeFirst())?.attempts ?? 0);
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
      .values({ ...values, attempts })
      .execute();
    return;
  }
  // The carried tries are read inside the INSERT: one round trip, the same snapshot.
  const insert = db
    .insertInto("verification_codes")
    .values((eb) => ({ ...values, attempts: eb.fn.coalesce(carried, eb.lit(0)) }));
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
