import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sessionEventTemplate, sessionRevoked } from "../../src/domain/webhook-events.js";
import type { NewSession, Stores, UserRecord } from "../../src/storage/ports.js";
import { type MigratedStores, openMigratedStores } from "../helpers/method-store-db.js";
import { describeEachStore } from "../helpers/stores.js";

const NOW = new Date("2030-01-01T00:00:00.000Z");

/**
 * session.created and session.revoked ride in the session statement's own CTE: written with
 * the change or not at all, one per session (family), byte for byte the body the domain
 * would write, and nothing at all when no endpoint asks for them.
 */
describeEachStore("session events in the session store", (store) => {
  let opened: MigratedStores | undefined;
  let stores: Stores;
  beforeAll(async () => {
    opened = await openMigratedStores(store, {});
    stores = opened.stores;
  });
  afterAll(() => opened?.close());

  const makeUser = () => (opened as MigratedStores).makeUser(NOW, "session-events");
  const newSession = (user: UserRecord, familyId = randomUUID()): NewSession => ({
    id: randomUUID(),
    familyId,
    userId: user.id,
    tokenHash: randomUUID(),
    familyStartedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 3_600_000),
    userAgent: null,
    ip: null,
    now: NOW,
    event: sessionEventTemplate("session.created", user, NOW),
  });
  const endpoint = (events: string[]) =>
    stores.webhooks.createEndpoint({
      id: randomUUID(),
      url: "https://hooks.example.com/latchkey",
      events,
      description: null,
      secretSealed: "sealed",
      now: NOW,
    });
  const bodies = async (endpointId: string) =>
    (await stores.webhooks.listDeliveries(endpointId, 100)).map((d) => JSON.parse(d.payload));

  it("writes session.created with the insert, for the family, in a batch too", async () => {
    const hook = await endpoint(["session.created"]);
    const user = await makeUser();
    const [one, two] = [newSession(user), newSession(user)];
    await stores.sessions.createMany([one, two, { ...newSession(user), event: undefined }]);
    const written = await bodies(hook.id);
    expect(written.map((b) => b.data.sessionId).sort()).toEqual(
      [one.familyId, two.familyId].sort(),
    );
    expect(written[0]).toMatchObject({
      type: "session.created",
      timestamp: NOW.toISOString(),
      data: { user: { id: user.id, email: user.email } },
    });
    await stores.webhooks.deleteEndpoint(hook.id);
  });

  it("writes nothing when the transaction rolls back, or when no endpoint subscribes", async () => {
    const other = await endpoint(["user.deleted"]);
    const hook = await endpoint(["session.created"]);
    const user = await makeUser();
    await expect(
      stores.transaction(async (trx) => {
        await trx.sessions.create(newSession(user));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await bodies(hook.id)).toEqual([]);
    await stores.webhooks.updateEndpoint(hook.id, { enabled: false }, NOW);
    await stores.sessions.create(newSession(user));
    expect(await bodies(hook.id)).toEqual([]);
    expect(await bodies(other.id)).toEqual([]);
  });

  it("writes one session.revoked per family a revoke ends, none for what was not live", async () => {
    const hook = await endpoint(["session.revoked"]);
    const user = await makeUser();
    const kept = newSession(user);
    const [a, b] = [newSession(user), newSession(user)];
    await stores.sessions.createMany([kept, a, b]);
    const revoked = await stores.sessions.revokeAllForUser(user.id, NOW, {
      exceptFamilyId: kept.familyId,
      event: sessionRevoked(NOW),
    });
    expect(revoked).toBe(2);
    expect(await stores.sessions.revokeFamily(a.familyId, NOW, sessionRevoked(NOW))).toBe(0);
    expect(await stores.sessions.revokeFamily(kept.familyId, NOW, sessionRevoked(NOW))).toBe(1);
    const written = await bodies(hook.id);
    expect(written.map((body) => body.data.sessionId).sort()).toEqual(
      [a.familyId, b.familyId, kept.familyId].sort(),
    );
    expect(written.every((body) => body.type === "session.revoked")).toBe(true);
    expect(written.every((body) => body.data.user.id === user.id)).toBe(true);
  });
});
