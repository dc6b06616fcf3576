import { batchStores } from "../../src/storage/batching.js";
import { openDatabase } from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { createStores } from "../../src/storage/stores/index.js";
import { runAuditContract } from "./audit-contract.js";
import { runStoreContract } from "./contract.js";
import { runUsersAdminContract } from "./users-admin-contract.js";

const open = async () => {
  const handle = await openDatabase({ kind: "pglite" });
  await migrateToLatest(handle.db);
  return { stores: batchStores(createStores(handle.db)), db: handle.db, close: handle.close };
};

runStoreContract("PGlite (in memory)", open);
// The plain stores are what a transaction hands out: the same contract, nothing batched.
runStoreContract("PGlite (in memory), plain stores", async () => {
  const handle = await openDatabase({ kind: "pglite" });
  await migrateToLatest(handle.db);
  return { stores: createStores(handle.db), db: handle.db, close: handle.close };
});
runAuditContract("PGlite (in memory)", open);
runUsersAdminContract("PGlite (in memory)", open);
