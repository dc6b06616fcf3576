import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent, Stores } from "../../src/storage/ports.js";

const BASE = new Date("2030-06-01T00:00:00.000Z");
const at = (seconds: number): Date => new Date(BASE.getTime() + seconds * 1000);

/** The audit store's part of the contract, run on every database like the rest. */
export function runAuditContract(
  name: string,
  open: () => Promise<{ stores: Stores; close(): Promise<void> }>,
): void {
  describe(`audit store contract: ${name}`, () => {
    let stores: Stores;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ stores, close } = await open());
    });
    afterAll(() => close?.());

    const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
      id: randomUUID(),
      occurredAt: BASE,
      type: "login.failure",
      outcome: "failure",
      userId: null,
      actorId: null,
      ip: "203.0.113.9",
      userAgent: "vitest",
      details: { reason: "wrong_password" },
      ...overrides,
    });

    it("stores events and lists them newest first, filtered by user and type", async () => {
      const userId = randomUUID();
      const older = event({ userId, occurredAt: at(1), type: "login.failure" });
      const newer = event({ userId, occurredAt: at(2), type: "login.success", outcome: "success" });
      const someoneElse = event({ userId: randomUUID(), occurredAt: at(3) });
      for (const e of [older, newer, someoneElse]) await stores.audit.insert(e);

      expect(await stores.audit.list({ userId, limit: 10 })).toEqual([newer, older]);
      expect(await stores.audit.list({ userId, type: "login.failure", limit: 10 })).toEqual([
        older,
      ]);
    });

    it("stores events written at once, and a bad one loses none of the others", async () => {
      const userId = randomUUID();
      const good = Array.from({ length: 8 }, (_, i) => event({ userId, occurredAt: at(50 + i) }));
      // A duplicate id fails its insert; the batch it joined is rerun row by row.
      const duplicate = { ...(good[3] as AuditEvent), occurredAt: at(60) };
      const results = await Promise.allSettled([...good, duplicate].map(stores.audit.insert));
      // Run alone, the two with one id race: exactly one of them is stored.
      expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
      const stored = await stores.audit.list({ userId, limit: 20 });
      expect(stored.map((e) => e.id).sort()).toEqual(good.map((e) => e.id).sort());
    });

    it("pages with a cursor, ties broken by id", async () => {
      const userId = randomUUID();
      const events = [0, 0, 1, 2].map((s) => event({ userId, occurredAt: at(100 + s) }));
      for (const e of events) await stores.audit.insert(e);
      const first = await stores.audit.list({ userId, limit: 2 });
      const last = first.at(-1);
      if (!last) throw new Error("expected a page");
      const second = await stores.audit.list({
        userId,
        limit: 10,
        before: { occurredAt: last.occurredAt, id: last.id },
      });
      const seen = [...first, ...second].map((e) => e.id);
      expect(new Set(seen).size).toBe(4);
      expect(seen.sort()).toEqual(events.map((e) => e.id).sort());
    });

    it("purges events older than the cutoff only", async () => {
      const userId = randomUUID();
      const old = event({ userId, occurredAt: new Date("2001-01-01T00:00:00Z") });
      const recent = event({ userId, occurredAt: at(0) });
      await stores.audit.insert(old);
      await stores.audit.insert(recent);
      expect(await stores.audit.purgeOlderThan(new Date("2002-01-01T00:00:00Z"))).toBe(1);
      expect((await stores.audit.list({ userId, limit: 10 })).map((e) => e.id)).toEqual([
        recent.id,
      ]);
    });
  });
}
