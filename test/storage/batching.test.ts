import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchStores } from "../../src/storage/batching.js";
import { type DatabaseHandle, openDatabase } from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import type { Stores } from "../../src/storage/ports.js";
import { createStores } from "../../src/storage/stores/index.js";

describe("batchStores", () => {
  let handle: DatabaseHandle;
  let plain: Stores;
  const sets: number[] = [];

  beforeAll(async () => {
    handle = await openDatabase({ kind: "pglite" });
    await migrateToLatest(handle.db);
    plain = createStores(handle.db);
    const findByIds = plain.users.findByIds;
    plain.users.findByIds = (ids) => {
      sets.push(ids.length);
      return findByIds(ids);
    };
  });
  afterAll(() => handle.close());

  it("answers concurrent single lookups with one set-at-a-time call, each its own user", async () => {
    const stores = batchStores(plain);
    const users = await Promise.all(
      ["a", "b", "c"].map((name) =>
        stores.users.create({
          id: randomUUID(),
          email: `${name}-${randomUUID()}@example.test`,
          name,
          username: null,
          passwordHash: "unused",
          status: "active",
          role: "user",
          emailVerifiedAt: null,
          now: new Date(),
        }),
      ),
    );
    sets.length = 0;
    const found = await Promise.all(users.map((user) => stores.users.findById(user.id)));
    expect(found).toEqual(users);
    expect(sets).toEqual([3]);
  });

  it("hands plain stores to a transaction, where every call runs at once", async () => {
    const stores = batchStores(plain);
    const inside = await stores.transaction(async (trx) => {
      expect(trx.users.findById).not.toBe(stores.users.findById);
      return Promise.all([trx.users.findById(randomUUID()), trx.users.findById(randomUUID())]);
    });
    expect(inside).toEqual([null, null]);
  });

  it("marks mails sent together in one statement, each at its own time", async () => {
    const marked: number[] = [];
    const markSentMany = plain.outbox.markSentMany;
    const stores = batchStores({
      ...plain,
      outbox: {
        ...plain.outbox,
        markSentMany: (sent) => {
          marked.push(sent.length);
          return markSentMany(sent);
        },
      },
    });
    const queued = (to: string) =>
      plain.outbox.add(
        { to, template: "verification-code", subject: "Code", text: "123456", html: "123456" },
        new Date(),
      );
    const ids = await Promise.all(["a", "b", "c"].map((to) => queued(`${to}@example.test`)));
    const times = ids.map((_, i) => new Date(Date.UTC(2030, 0, 1, 0, 0, i)));
    await Promise.all(ids.map((id, i) => stores.outbox.markSent(id, times[i] as Date)));
    expect(marked).toEqual([3]);
    const rows = await Promise.all(ids.map((id) => plain.outbox.get(id)));
    expect(rows.map((row) => [row?.status, row?.sentAt])).toEqual(
      times.map((time) => ["sent", time]),
    );
  });
});
