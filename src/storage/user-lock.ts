import { type Kysely, sql } from "kysely";
import { recordUserEvent } from "../domain/webhook-events.js";
import type { Database } from "./schema.js";
import { toUserRecord } from "./stores/user-store.js";
import { createWebhookStore } from "./stores/webhook-store.js";

/**
 * Runs fn in a transaction (or the surrounding one) holding the user's row, as the session
 * store's revocations do: writes that must see each other's result queue here, and each
 * statement after the lock takes a fresh snapshot (READ COMMITTED). For methods' stores too.
 */
export function inUserLock<DB extends Database, T>(
  db: Kysely<DB>,
  userId: string,
  fn: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const locked = async (trx: Kysely<DB>) => {
    await sql`select id from users where id = ${userId} for no key update`.execute(trx);
    return fn(trx);
  };
  return db.isTransaction ? locked(db) : db.transaction().execute(locked);
}

/**
 * Moves the user's count of confirmed second factors, of every method, by `delta`: each
 * method calls it in the transaction, under inUserLock, that confirms or removes one, so
 * `mfaEnabled` (count > 0) is read from the user's row without asking each method. The
 * count crossing 0 is mfa.enabled or mfa.disabled, written here in the same transaction,
 * whichever method's factor it was. Answers the new count.
 */
export async function countSecondFactors(
  trx: Kysely<Database>,
  userId: string,
  delta: number,
  now: Date,
): Promise<number> {
  const row = await trx
    .updateTable("users")
    .set((eb) => ({ second_factors: eb("second_factors", "+", delta) }))
    .where("id", "=", userId)
    .returningAll()
    .executeTakeFirst();
  if (!row) return 0;
  const before = row.second_factors - delta;
  const crossed =
    before === 0 && row.second_factors > 0
      ? "mfa.enabled"
      : before > 0 && row.second_factors === 0
        ? "mfa.disabled"
        : null;
  if (crossed) {
    await recordUserEvent({ webhooks: createWebhookStore(trx) }, crossed, toUserRecord(row), now);
  }
  return row.second_factors;
}
