import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { openDatabase } from "../../src/storage/database.js";
import {
  type MethodStoreFactories,
  registerMethodStores,
} from "../../src/storage/method-stores.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import type { Stores, UserRecord } from "../../src/storage/ports.js";
import type { Database } from "../../src/storage/schema.js";
import { createStores } from "../../src/storage/stores/index.js";
import { pgliteSnapshot, type StoreUnderTest } from "./stores.js";

export interface MigratedStores {
  db: Kysely<Database>;
  stores: Stores;
  /** An active, verified user made straight in the store. */
  makeUser(now: Date, tag?: string): Promise<UserRecord>;
  close(): Promise<void>;
}

/**
 * A fresh migrated database for a method's store suite, with the method's stores registered
 * as the composition root does (a suite may run without the server).
 */
export async function openMigratedStores(
  store: StoreUnderTest,
  methodStores: MethodStoreFactories,
): Promise<MigratedStores> {
  registerMethodStores(methodStores);
  const made = store.target();
  const target = made.kind === "pglite" ? { ...made, snapshot: await pgliteSnapshot() } : made;
  const handle = await openDatabase(target);
  await migrateToLatest(handle.db);
  const stores = createStores(handle.db);
  return {
    db: handle.db,
    stores,
    makeUser: (now, tag = "user") =>
      stores.users.create({
        id: randomUUID(),
        email: `${tag}-${randomUUID()}@example.test`,
        name: null,
        username: null,
        passwordHash: "hash",
        status: "active",
        role: "user",
        emailVerifiedAt: now,
        now,
      }),
    close: async () => {
      await handle.close();
      await store.cleanup(made);
    },
  };
}

/** How many of the answers are true (or non-null): the winners of a race. */
export const winners = (answers: readonly unknown[]): number =>
  answers.filter((answer) => answer !== false && answer !== null).length;
