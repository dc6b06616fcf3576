import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import {
  bearer,
  bootstrapAdminSession,
  call,
  createAccount,
  deleteUser,
  expectOk,
  patchUser,
  type Session,
  signedInAccount,
  startAdminServer,
} from "./admin-support.js";
import { expectFieldError } from "./support.js";

const EVENT_FIELDS = [
  "actorId",
  "details",
  "id",
  "ip",
  "occurredAt",
  "outcome",
  "type",
  "userAgent",
  "userId",
];

interface EventView {
  id: string;
  occurredAt: string;
  type: string;
  outcome: string;
  userId: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

describeEachStore("admin API: audit events", (store) => {
  let server: TestServer;
  let admin: Session;
  beforeAll(async () => {
    server = await startAdminServer(store);
    admin = await bootstrapAdminSession(server);
  });
  afterAll(() => server?.close());

  async function events(
    query: string,
  ): Promise<{ events: EventView[]; nextCursor: string | null }> {
    return expectOk(await server.get(`/admin/audit-events?${query}`, bearer(admin.accessToken)));
  }

  const post = (path: string) => call(server, "POST", path, admin.accessToken);

  describe("every admin action is audited with the acting admin's id", () => {
    it("update, revoke-sessions, send-reset and delete", async () => {
      const user = await signedInAccount(server, { tag: "audited" });
      // Events of one instant are ordered by id alone: a second apart, the order is the story.
      const tick = () => server.clock.advance(1);
      tick();
      expectOk(
        await patchUser(server, admin.accessToken, user.id, { status: "blocked", name: "X" }),
      );
      tick();
      expectOk(await patchUser(server, admin.accessToken, user.id, { status: "active" }));
      tick();
      expect((await post(`/admin/users/${user.id}/revoke-sessions`)).status).toBe(200);
      tick();
      expect((await post(`/admin/users/${user.id}/send-reset`)).status).toBe(202);
      tick();
      expectOk(await deleteUser(server, admin.accessToken, user.id));

      const { events: trail } = await events(`userId=${user.id}`);
      const adminEvents = trail.filter((e) => e.type.startsWith("admin."));
      expect(adminEvents.map((e) => e.type)).toEqual([
        "admin.user.deleted",
        "admin.reset.sent",
        "admin.sessions.revoked",
        "admin.user.updated",
        "admin.user.updated",
      ]);
      for (const event of adminEvents) {
        expect(Object.keys(event).sort()).toEqual(EVENT_FIELDS);
        expect(event.actorId).toBe(admin.id);
        expect(event.userId).toBe(user.id);
        expect(event.outcome).toBe("success");
        expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
        expect(event.ip).toBe("127.0.0.1");
        expect(event.userAgent).toEqual(expect.any(String));
      }
      // The deleted user's row is gone; the event still says who it was.
      expect(adminEvents[0]?.details).toEqual({ email: user.email });
      expect(adminEvents[4]?.details).toEqual({ status: "blocked", nameChanged: true });
      // Blocking had already ended the one session.
      expect(adminEvents[2]?.details).toEqual({ revoked: 0 });
      expect(adminEvents[1]?.details).toEqual({ sent: true });
      // The trail outlives the deleted user, and holds no secret.
      expect(JSON.stringify(trail)).not.toMatch(/argon2|password\/reset|refreshToken/);
    });

    it("names the acting admin, not always the bootstrap one", async () => {
      const second = await signedInAccount(server, { tag: "second-admin", role: "admin" });
      const user = await createAccount(server, { tag: "by-second" });
      expectOk(await patchUser(server, second.accessToken, user.id, { role: "admin" }));
      const { events: trail } = await events(`userId=${user.id}&type=admin.user.updated`);
      expect(trail).toHaveLength(1);
      expect(trail[0]).toMatchObject({ actorId: second.id, details: { role: "admin" } });
    });

    it("a refused action (unknown user, invalid body) leaves no event", async () => {
      const ghost = randomUUID();
      expect((await patchUser(server, admin.accessToken, ghost, { name: "x" })).status).toBe(404);
      expect((await events(`userId=${ghost}`)).events).toEqual([]);
      const user = await createAccount(server, { tag: "refused" });
      expect((await patchUser(server, admin.accessToken, user.id, { name: "" })).status).toBe(400);
      expect((await events(`userId=${user.id}`)).events).toEqual([]);
    });
  });

  describe("GET /admin/audit-events", () => {
    it("filters by user and by type", async () => {
      const a = await signedInAccount(server, { tag: "filter-a" });
      const b = await createAccount(server, { tag: "filter-b" });
      expectOk(await patchUser(server, admin.accessToken, a.id, { name: "A" }));
      expectOk(await patchUser(server, admin.accessToken, b.id, { name: "B" }));

      const ofA = (await events(`userId=${a.id}`)).events;
      expect(ofA.every((e) => e.userId === a.id)).toBe(true);
      // The user's own login is in their trail too, without an actor.
      expect(ofA.map((e) => e.type).sort()).toEqual(["admin.user.updated", "login.success"]);
      expect(ofA.find((e) => e.type === "login.success")?.actorId).toBeNull();

      const updates = (await events("type=admin.user.updated&limit=100")).events;
      expect(updates.every((e) => e.type === "admin.user.updated")).toBe(true);
      expect(updates.map((e) => e.userId)).toEqual(expect.arrayContaining([a.id, b.id]));

      expect((await events(`userId=${b.id}&type=login.success`)).events).toEqual([]);
      // Not a UUID: no event can be about it.
      expect((await events("userId=nobody")).events).toEqual([]);
    });

    it("pages newest first with limit and cursor, without repeats", async () => {
      const user = await createAccount(server, { tag: "paged" });
      for (let i = 0; i < 5; i += 1) {
        server.clock.advance(i % 2); // some events share a timestamp
        expectOk(await patchUser(server, admin.accessToken, user.id, { name: `Name ${i}` }));
      }
      const all = (await events(`userId=${user.id}&limit=100`)).events;
      expect(all).toHaveLength(5);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const page = await events(`userId=${user.id}&limit=2${suffix}`);
        expect(page.events.length).toBeLessThanOrEqual(2);
        seen.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(all.map((e) => e.id));
      const times = all.map((e) => Date.parse(e.occurredAt));
      expect([...times].sort((x, y) => y - x)).toEqual(times);
    });

    it("a bad cursor or limit, or an unknown parameter: 400 VALIDATION_FAILED", async () => {
      const get = (query: string) =>
        server.get(`/admin/audit-events?${query}`, bearer(admin.accessToken));
      expectFieldError(await get("cursor=nope"), "cursor");
      expectFieldError(await get("limit=0"), "limit");
      expectFieldError(await get("limit=1000"), "limit");
      expectFieldError(await get("actorId=x"), "actorId");
    });
  });
});
