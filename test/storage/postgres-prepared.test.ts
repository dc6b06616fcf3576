import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/storage/database.js";
import { dropSchema } from "../../src/storage/drivers/postgres.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { createStores } from "../../src/storage/stores/index.js";

const url = process.env.TEST_DATABASE_URL;

// One connection, so the statements this test sees prepared are the ones its lookups used.
describe.skipIf(!url)("PostgreSQL: user lookups are prepared statements", () => {
  const schema = `lk_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await openDatabase({
      kind: "postgres",
      url: url as string,
      schema,
      maxConnections: 1,
    });
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    await handle.close();
    await dropSchema(url as string, schema);
  });

  const preparedNames = async () =>
    (
      await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(
        handle.db,
      )
    ).rows.map((row) => row.name);

  it("prepares by-id and by-email lookups once, and they answer like any query", async () => {
    const stores = createStores(handle.db);
    const user = await stores.users.create({
      id: randomUUID(),
      email: "prepared@example.com",
      name: "Pre Pared",
      username: null,
      passwordHash: "unused",
      status: "active",
      role: "user",
      emailVerifiedAt: null,
      now: new Date(),
    });
    expect(await preparedNames()).toEqual([]);

    for (let round = 0; round < 3; round++) {
      expect((await stores.users.findById(user.id))?.email).toBe("prepared@example.com");
      expect((await stores.users.findByEmail("prepared@example.com"))?.id).toBe(user.id);
      expect(await stores.users.findById(randomUUID())).toBeNull();
    }
    expect(await preparedNames()).toEqual(["users_by_email", "users_by_id"]);
  });
});
