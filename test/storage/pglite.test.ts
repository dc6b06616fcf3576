import { openDatabase } from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { createStores } from "../../src/storage/stores/index.js";
import { runStoreContract } from "./contract.js";

runStoreContract("PGlite (in memory)", async () => {
  const handle = await openDatabase({ kind: "pglite" });
  await migrateToLatest(handle.db);
  return { stores: createStores(handle.db), db: handle.db, close: handle.close };
});
