import { randomInt } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Kysely } from "kysely";
import { createMethodStores } from "../method-stores.js";
import type { Stores } from "../ports.js";
import type { Database } from "../schema.js";
import { isDeadlock } from "../unavailable.js";
import { createAuditStore } from "./audit-store.js";
import { createCodeStore } from "./code-store.js";
import { createKeyStore } from "./key-store.js";
import { createOutboxStore } from "./outbox-store.js";
import { createSessionStore } from "./session-store.js";
import { createStatsStore } from "./stats-store.js";
import { createUserStore } from "./user-store.js";
import { createWebhookStore } from "./webhook-store.js";

export { createAuditStore } from "./audit-store.js";
export { createCodeStore } from "./code-store.js";
export { createKeyStore } from "./key-store.js";
export { createSessionStore } from "./session-store.js";
export { createUserStore } from "./user-store.js";

const DEADLOCK_RERUN_DELAY_MS = { min: 5, spread: 20 };

/** All stores over one Kysely handle, which may itself be a transaction. */
export function createStores(db: Kysely<Database>): Stores {
  const stores: Stores = {
    ...createMethodStores(db),
    users: createUserStore(db),
    codes: createCodeStore(db),
    sessions: createSessionStore(db),
    keys: createKeyStore(db),
    audit: createAuditStore(db),
    outbox: createOutboxStore(db),
    stats: createStatsStore(db),
    webhooks: createWebhookStore(db),
    // Kysely has no nested transactions; inside one, the work simply joins it.
    transaction: (fn) => {
      if (db.isTransaction) return fn(stores);
      const run = () => db.transaction().execute((trx) => fn(createStores(trx)));
      // A deadlock rolled everything back: one more run, as the PostgreSQL manual advises for
      // 40P01 ("Serialization Failure Handling"). So fn may run twice (see ports.ts).
      return run().catch(async (error: unknown) => {
        if (!isDeadlock(error)) throw error;
        // Not at once: the transaction that survived was woken to take the rows this one
        // freed, and a rerun that took one of them first would close a second cycle (CI saw
        // it). A few random milliseconds let the survivor go first.
        await delay(DEADLOCK_RERUN_DELAY_MS.min + randomInt(DEADLOCK_RERUN_DELAY_MS.spread));
        return run();
      });
    },
  };
  return stores;
}
