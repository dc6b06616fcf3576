import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.js";

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
 * `mfaEnabled` (count > 0) is read from the user's row without asking each method.
 * Answers the new count.
 */
export async function countSecondFactors(
  trx: Kysely<Database>,
  userId: string,
  delta: number,
): Promise<number> {
  const row = await trx
    .updateTable("users")
    .set((eb) => ({ second_factors: eb("second_factors", "+", delta) }))
    .where("id", "=", userId)
    .returning("second_factors")
    .executeTakeFirst();
  return row?.second_factors ?? 0;
}
