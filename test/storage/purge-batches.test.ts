import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type DatabaseHandle,
  type DatabaseTarget,
  openDatabase,
} from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import type { Stores } from "../../src/storage/ports.js";
import { purgeExpired } from "../../src/storage/purge.js";
import { createStores } from "../../src/storage/stores/index.js";
import { describeEachStore } from "../helpers/stores.js";

const NOW = new Date("2031-03-01T12:00:00Z");
const DAY = 24 * 3600 * 1000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY);
const BATCH = 4;
// Several batches of each table, the last one short, and some live rows among them.
const EXPIRED = 11;
const LIVE = 5;

describeEachStore("purgeExpired in batches", (store) => {
  let target: DatabaseTarget;
  let handle: DatabaseHandle;
  let stores: Stores;
  const calls: Record<string, number[]> = {
    sessions: [],
    codes: [],
    audit: [],
    mail: [],
    webhooks: [],
  };

  beforeAll(async () => {
    target = store.target();
    handle = await openDatabase(target);
    await migrateToLatest(handle.db);
    stores = createStores(handle.db);
    await seed(handle);
    // Each store call is one DELETE statement: record the batch it was asked for.
    const spy =
      <T extends unknown[]>(name: string, purge: (...args: T) => Promise<number>) =>
      async (...args: T) => {
        const deleted = await purge(...args);
        calls[name]?.push(deleted);
        return deleted;
      };
    stores.sessions.purgeExpired = spy("sessions", stores.sessions.purgeExpired);
    stores.codes.purgeExpired = spy("codes", stores.codes.purgeExpired);
    stores.audit.purgeOlderThan = spy("audit", stores.audit.purgeOlderThan);
    stores.outbox.purgeSent = spy("mail", stores.outbox.purgeSent);
    stores.webhooks.purgeFinished = spy("webhooks", stores.webhooks.purgeFinished);
  });
  afterAll(async () => {
    await handle.close();
    await store.cleanup(target);
  });

  it("deletes every expired row, batch by batch, and no live one", async () => {
    const report = await purgeExpired(stores, NOW, {
      auditRetentionSeconds: 30 * 24 * 3600,
      batchSize: BATCH,
    });

    expect(report).toMatchObject({
      codes: EXPIRED,
      sessions: EXPIRED,
      audit: EXPIRED,
      mail: EXPIRED,
      webhooks: EXPIRED,
    });
    // 11 rows in batches of 4: 4, 4, 3, the short one ending it.
    for (const name of ["sessions", "audit", "mail", "webhooks"]) {
      expect(calls[name], name).toEqual([4, 4, 3]);
    }
    expect(calls.codes?.reduce((a, b) => a + b, 0)).toBe(EXPIRED);
    expect(calls.codes?.length).toBeGreaterThan(1);

    const left = async (
      table:
        | "refresh_sessions"
        | "verification_codes"
        | "audit_events"
        | "mail_outbox"
        | "webhook_deliveries",
    ) => {
      const rows = await handle.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .execute();
      return Number(rows[0]?.n);
    };
    expect(await left("refresh_sessions")).toBe(LIVE);
    expect(await left("verification_codes")).toBe(LIVE);
    expect(await left("audit_events")).toBe(LIVE);
    // The live mails: recent sent ones, and queued ones however old.
    expect(await left("mail_outbox")).toBe(LIVE * 2);
    expect(await left("webhook_deliveries")).toBe(LIVE);

    const again = await purgeExpired(stores, NOW, {
      auditRetentionSeconds: 30 * 24 * 3600,
      batchSize: BATCH,
    });
    expect(again).toMatchObject({ codes: 0, sessions: 0, audit: 0, mail: 0, webhooks: 0 });
  });
});

async function seed({ db }: DatabaseHandle): Promise<void> {
  const users = Array.from({ length: EXPIRED + LIVE }, (_, n) => ({
    id: randomUUID(),
    email: `purge-${n}-${randomUUID()}@example.test`,
    password_hash: "unused",
    status: "active" as const,
    role: "user" as const,
    created_at: at(-400),
    updated_at: at(-400),
  }));
  await db.insertInto("users").values(users).execute();
  // Row n is expired for n < EXPIRED, live after: the two kinds interleave in no order.
  const rows = users.map((user, n) => ({ user, expired: n < EXPIRED }));
  await db
    .insertInto("refresh_sessions")
    .values(
      rows.map(({ user, expired }) => ({
        id: randomUUID(),
        family_id: randomUUID(),
        user_id: user.id,
        token_hash: randomUUID(),
        family_started_at: at(-40),
        created_at: at(-40),
        // A session expiring right now is expired (<=).
        expires_at: expired ? at(-10) : at(10),
        last_used_at: at(-40),
        aal: "aal1",
        amr: ["pwd"],
      })),
    )
    .execute();
  await db
    .insertInto("verification_codes")
    .values(
      rows.map(({ user, expired }) => ({
        user_id: user.id,
        purpose: "reset" as const,
        kind: "link" as const,
        secret_hash: randomUUID(),
        expires_at: expired ? at(-1) : at(1),
        created_at: at(-2),
      })),
    )
    .execute();
  await db
    .insertInto("audit_events")
    .values(
      rows.map(({ user, expired }) => ({
        id: randomUUID(),
        occurred_at: expired ? at(-31) : at(-29),
        type: "login.success",
        outcome: "success" as const,
        user_id: user.id,
        details: JSON.stringify({}),
      })),
    )
    .execute();
  const mail = (sentDaysAgo: number | null, to: string) => ({
    id: randomUUID(),
    created_at: at(-60),
    to_address: to,
    template: "verify-email",
    subject: "Your code",
    status: sentDaysAgo === null ? ("queued" as const) : ("sent" as const),
    next_attempt_at: at(-60),
    sent_at: sentDaysAgo === null ? null : at(-sentDaysAgo),
  });
  await db
    .insertInto("mail_outbox")
    .values([
      ...rows.map(({ user, expired }) => mail(expired ? 8 : 6, user.email)),
      ...rows.filter(({ expired }) => !expired).map(({ user }) => mail(null, user.email)),
    ])
    .execute();
  const endpoint = randomUUID();
  await db
    .insertInto("webhook_endpoints")
    .values({
      id: endpoint,
      url: "https://hooks.example.test/",
      events: ["user.created"],
      enabled: false,
      secret_sealed: "unused",
      created_at: at(-60),
      updated_at: at(-60),
    })
    .execute();
  await db
    .insertInto("webhook_deliveries")
    .values(
      rows.map(({ user, expired }, n) => ({
        id: randomUUID(),
        endpoint_id: endpoint,
        event_type: "user.created",
        user_id: user.id,
        payload: "{}",
        // Delivered rows go after a week, failed ones after a month.
        created_at: n % 2 === 0 ? at(expired ? -8 : -6) : at(expired ? -31 : -29),
        status: n % 2 === 0 ? ("delivered" as const) : ("failed" as const),
        next_attempt_at: at(-60),
        retry_from: at(-60),
      })),
    )
    .execute();
}
