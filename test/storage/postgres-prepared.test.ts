import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/storage/database.js";
import { dropSchema } from "../../src/storage/drivers/postgres.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { createStores } from "../../src/storage/stores/index.js";

const url = process.env.TEST_DATABASE_URL;

// One connection, so the statements this test sees prepared are the ones its calls used.
describe.skipIf(!url)("PostgreSQL: statements go prepared when the driver is asked to", () => {
  const schema = `lk_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const MAX = 64;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await openDatabase(
      { kind: "postgres", url: url as string, schema, maxConnections: 1 },
      { preparedStatements: { maxPerConnection: MAX, prepare: (text) => !text.includes("nope") } },
    );
    await migrateToLatest(handle.db);
  });
  afterAll(async () => {
    await handle.close();
    await dropSchema(url as string, schema);
  });

  const prepared = async () =>
    (
      await sql<{ name: string; statement: string }>`
        select name, statement from pg_prepared_statements order by name`.execute(handle.db)
    ).rows;

  it("prepares each text once, and the lookups answer like any query", async () => {
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
    const before = (await prepared()).length;
    for (let round = 0; round < 3; round++) {
      expect((await stores.users.findById(user.id))?.email).toBe("prepared@example.com");
      expect((await stores.users.findByEmail("prepared@example.com"))?.id).toBe(user.id);
      expect(await stores.users.findById(randomUUID())).toBeNull();
    }
    const after = await prepared();
    // The by-id and the by-email lookup, each once for its three rounds.
    expect(after.length - before).toBe(2);
    expect(after.filter((row) => row.statement.includes("= any("))).toHaveLength(2);
    expect(after.every((row) => row.name.startsWith("lk_"))).toBe(true);
  });

  it("prepares only the texts it is told to", async () => {
    const before = (await prepared()).length;
    await sql`select 1 as nope`.execute(handle.db);
    expect((await prepared()).length).toBe(before);
  });

  it("runs a `select *` again after a migration added a column, instead of failing it", async () => {
    await sql`create table widgets (id int primary key)`.execute(handle.db);
    await sql`insert into widgets values (1)`.execute(handle.db);
    const read = () =>
      handle.db
        .selectFrom("widgets" as never)
        .selectAll()
        .execute();
    expect(await read()).toEqual([{ id: 1 }]);
    await sql`alter table widgets add column label text default 'x'`.execute(handle.db);
    expect(await read()).toEqual([{ id: 1, label: "x" }]);
  });

  it("prepares nothing inside a transaction, and no more than its cap of texts", async () => {
    const count = async () => (await prepared()).length;
    const before = await count();
    await handle.db.transaction().execute(async (trx) => {
      await sql`select 1 as inside`.execute(trx);
    });
    expect(await count()).toBe(before);
    for (let i = 0; i < MAX + 4; i++) await sql`select ${sql.lit(i)} as n`.execute(handle.db);
    expect(await count()).toBe(MAX);
    expect((await sql<{ n: number }>`select ${sql.lit(99)} as n`.execute(handle.db)).rows).toEqual([
      { n: 99 },
    ]);
  });
});
