import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import type { JsonResponse, TestServer } from "../helpers/test-server.js";
import {
  bootstrapAdminSession,
  deleteUser,
  patchUser,
  type Session,
  signedInAccount,
  startAdminServer,
} from "./admin-support.js";

const TRIALS = 5;
const REQUESTS = 20;

type Removal = (server: TestServer, actor: Session, target: Session) => Promise<JsonResponse>;

const REMOVALS: Removal[] = [
  (server, actor, target) => patchUser(server, actor.accessToken, target.id, { role: "user" }),
  (server, actor, target) => patchUser(server, actor.accessToken, target.id, { status: "blocked" }),
  (server, actor, target) => deleteUser(server, actor.accessToken, target.id),
];

// Issue 13, item 10: 20 concurrent demotions of the last two admins gave 500s (deadlocks) and
// 503s (lock waits starving the pool). Each request here has one of the two admins remove one of
// them (itself or the other) by demotion, block or deletion, all at once over real HTTP.
describeEachStore("admin API: removing the last two admins at once", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer(store);
  });
  afterAll(() => server?.close());

  it(`never answers 5xx, and exactly one admin remains, ${TRIALS} trials`, async () => {
    let survivor = await bootstrapAdminSession(server);
    const seen = new Map<number, number>();
    for (let trial = 0; trial < TRIALS; trial++) {
      const admins = [
        survivor,
        await signedInAccount(server, { tag: "race-admin", role: "admin" }),
      ];
      const answers = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) => {
          const removal = REMOVALS[i % REMOVALS.length] as Removal;
          const actor = admins[i % 2] as Session;
          const target = admins[Math.floor(i / 2) % 2] as Session;
          return removal(server, actor, target);
        }),
      );
      for (const answer of answers) seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
      const failures = answers.filter((answer) => answer.status >= 500);
      expect(
        failures.map((answer) => [answer.status, answer.body]),
        `trial ${trial}`,
      ).toEqual([]);
      // Whoever acted was refused (401, 403), or the target was gone (404) or the last (409).
      for (const answer of answers) expect([200, 204, 401, 403, 404, 409]).toContain(answer.status);

      const active = await server.runtime.deps.stores.users.list({
        limit: 10,
        role: "admin",
        status: "active",
      });
      expect(active.map((user) => user.id)).toHaveLength(1);
      const remaining = admins.find((admin) => admin.id === active[0]?.id);
      expect(remaining, "the remaining admin is one of the two").toBeDefined();
      survivor = remaining as Session;
    }
    console.log(`${store.name}: statuses ${JSON.stringify(Object.fromEntries(seen))}`);
  }, 60_000);
});
