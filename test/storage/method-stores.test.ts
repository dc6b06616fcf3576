import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/storage/database.js";
import {
  type MethodStoreFactories,
  registerMethodStores,
} from "../../src/storage/method-stores.js";
import type { Stores } from "../../src/storage/ports.js";
import type { Database } from "../../src/storage/schema.js";
import { createStores } from "../../src/storage/stores/index.js";

// What a sign-in method's folder writes to bring a store over a table of its own. (A method
// also names it in MethodStores by declaration merging; a test must not, or every Stores
// in the project would need one, so it reads the store through WithWidgets.)
type WidgetTables = {
  test_widgets: { id: string; label: string };
};
interface WidgetStore {
  add(label: string): Promise<string>;
  count(): Promise<number>;
}
type WithWidgets = Stores & { widgets: WidgetStore };
function createWidgetStore(db: Kysely<Database>): WidgetStore {
  const own = db.withTables<WidgetTables>();
  return {
    async add(label) {
      const id = randomUUID();
      await own.insertInto("test_widgets").values({ id, label }).execute();
      return id;
    },
    async count() {
      const row = await own
        .selectFrom("test_widgets")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

describe("a sign-in method's store", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openDatabase({ kind: "pglite" });
    await sql`create table test_widgets (id uuid primary key, label text not null)`.execute(
      handle.db,
    );
    registerMethodStores({ widgets: createWidgetStore } as MethodStoreFactories);
  });
  afterAll(() => handle.close());

  it("is one of the stores, and joins their transactions: a rollback takes its rows too", async () => {
    const stores = createStores(handle.db) as WithWidgets;
    await stores.widgets.add("kept");
    await expect(
      stores.transaction(async (inside) => {
        const { widgets } = inside as WithWidgets;
        await widgets.add("rolled back");
        expect(await widgets.count()).toBe(2);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await stores.widgets.count()).toBe(1);
  });

  it("may not be defined twice under one name", () => {
    const again = { widgets: (db: Kysely<Database>) => createWidgetStore(db) };
    expect(() => registerMethodStores(again as MethodStoreFactories)).toThrow(
      /store widgets is defined twice/,
    );
  });
});
