import { randomBytes } from "node:crypto";
import { describe, it } from "vitest";
import { PREPARED_STATEMENTS } from "../../src/composition/runtime.js";
import { batchStores } from "../../src/storage/batching.js";
import { openDatabase } from "../../src/storage/database.js";
import { dropSchema } from "../../src/storage/drivers/postgres.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { createStores } from "../../src/storage/stores/index.js";
import { runAuditContract } from "./audit-contract.js";
import { runStoreContract } from "./contract.js";
import { runUsersAdminContract } from "./users-admin-contract.js";

const url = process.env.TEST_DATABASE_URL;

if (url) {
  const open = async () => {
    // A schema of its own per run, so parallel runs and leftovers never meet.
    const schema = `lk_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    // Statements prepared as the server prepares them.
    const handle = await openDatabase(
      { kind: "postgres", url, schema },
      { preparedStatements: PREPARED_STATEMENTS },
    );
    await migrateToLatest(handle.db);
    return {
      stores: batchStores(createStores(handle.db)),
      db: handle.db,
      close: async () => {
        await handle.close();
        await dropSchema(url, schema);
      },
    };
  };
  runStoreContract("PostgreSQL", open);
  runAuditContract("PostgreSQL", open);
  runUsersAdminContract("PostgreSQL", open);
} else {
  console.warn("TEST_DATABASE_URL not set: PostgreSQL store tests skipped");
  describe.skip("store contract: PostgreSQL", () => {
    it("needs TEST_DATABASE_URL", () => {});
  });
}
