import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachStore } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import {
  bootstrapAdminSession,
  call,
  createAccount,
  deleteUser,
  expectOk,
  me,
  patchUser,
  refresh,
  type Session,
  signedInAccount,
  signIn,
  startAdminServer,
} from "./admin-support.js";
import { expectError, expectUser } from "./support.js";

/** Every admin route, with an id that exists so only authorization can refuse. */
function adminRoutes(id: string): [method: string, path: string, body?: unknown][] {
  return [
    ["GET", "/admin/users"],
    ["GET", `/admin/users/${id}`],
    ["PATCH", `/admin/users/${id}`, { name: "Renamed" }],
    ["DELETE", `/admin/users/${id}`],
    ["POST", `/admin/users/${id}/revoke-sessions`],
    ["POST", `/admin/users/${id}/send-reset`],
    ["GET", "/admin/audit-events"],
  ];
}

describeEachStore("admin API: who may use it", (store) => {
  let server: TestServer;
  let admin: Session;
  beforeAll(async () => {
    server = await startAdminServer(store);
    admin = await bootstrapAdminSession(server);
  });
  afterAll(() => server?.close());

  it("the bootstrap admin lists users", async () => {
    const body = expectOk(
      await server.get("/admin/users", { authorization: `Bearer ${admin.accessToken}` }),
    );
    expect(body.users.length).toBeGreaterThan(0);
    for (const user of body.users) expectUser(user);
  });

  it("accepts the accessToken cookie as well as the Bearer header", async () => {
    const res = await server.get("/admin/users", { cookie: `accessToken=${admin.accessToken}` });
    expectOk(res);
  });

  it("no token or a bad token: 401 UNAUTHORIZED on every route", async () => {
    const target = await signedInAccount(server, { tag: "anon-target" });
    for (const [method, path, body] of adminRoutes(target.id)) {
      expectError(await call(server, method, path, undefined, body), 401, "UNAUTHORIZED");
      expectError(await call(server, method, path, "not.a.token", body), 401, "UNAUTHORIZED");
    }
    // Nothing was done to the target.
    expectOk(await me(server, target.accessToken));
  });

  it("a user token: 403 FORBIDDEN on every route, and nothing changes", async () => {
    const user = await signedInAccount(server, { tag: "plain" });
    const target = await signedInAccount(server, { tag: "target", name: "Before" });
    for (const [method, path, body] of adminRoutes(target.id)) {
      expectError(await call(server, method, path, user.accessToken, body), 403, "FORBIDDEN");
    }
    const still = await server.runtime.deps.stores.users.findById(target.id);
    expect(still?.name).toBe("Before");
    expect((await refresh(server, target.refreshToken)).status).toBe(200);
  });

  it("a blocked admin: 403 ACCOUNT_BLOCKED on every route, whatever the token says", async () => {
    const other = await signedInAccount(server, { tag: "blocked-admin", role: "admin" });
    const target = await signedInAccount(server, { tag: "target" });
    expectOk(await patchUser(server, admin.accessToken, other.id, { status: "blocked" }));
    for (const [method, path, body] of adminRoutes(target.id)) {
      expectError(
        await call(server, method, path, other.accessToken, body),
        403,
        "ACCOUNT_BLOCKED",
      );
    }
  });

  it("a deleted admin's token: 401", async () => {
    const other = await signedInAccount(server, { tag: "gone-admin", role: "admin" });
    expectOk(await deleteUser(server, admin.accessToken, other.id));
    expectError(await call(server, "GET", "/admin/users", other.accessToken), 401, "UNAUTHORIZED");
  });

  it("blocking ends the user's sessions at once; /auth/me says ACCOUNT_BLOCKED; unblocking lets them back in", async () => {
    const user = await signedInAccount(server, { tag: "blockme" });
    const second = await signIn(server, user);

    const blocked = expectOk(
      await patchUser(server, admin.accessToken, user.id, { status: "blocked" }),
    );
    expectUser(blocked.user);
    expect(blocked.user.status).toBe("blocked");

    expectError(await refresh(server, user.refreshToken), 401, "INVALID_REFRESH_TOKEN");
    expectError(await refresh(server, second.refreshToken), 401, "INVALID_REFRESH_TOKEN");
    // The access token is still cryptographically valid; the status check refuses it.
    expectError(await me(server, user.accessToken), 403, "ACCOUNT_BLOCKED");
    expectError(
      await server.post("/auth/login", { email: user.email, password: user.password }),
      403,
      "ACCOUNT_BLOCKED",
    );
    const live = await server.runtime.deps.stores.sessions.listLiveForUser(user.id, server.clock());
    expect(live).toEqual([]);

    const unblocked = expectOk(
      await patchUser(server, admin.accessToken, user.id, { status: "active" }),
    );
    expect(unblocked.user.status).toBe("active");
    // The block ended the session the old token names: it stays refused.
    expectError(await me(server, user.accessToken), 401, "UNAUTHORIZED");
    // Sessions ended by the block stay ended; a new login works.
    expectError(await refresh(server, user.refreshToken), 401, "INVALID_REFRESH_TOKEN");
    const again = await signIn(server, user);
    expectOk(await refresh(server, again.refreshToken));
  });

  it("promoting a user: their current token can use the admin API at once", async () => {
    const user = await signedInAccount(server, { tag: "promote" });
    expectError(await call(server, "GET", "/admin/users", user.accessToken), 403, "FORBIDDEN");
    const res = expectOk(await patchUser(server, admin.accessToken, user.id, { role: "admin" }));
    expect(res.user.role).toBe("admin");
    expectOk(await call(server, "GET", "/admin/users", user.accessToken));
    // Promotion takes nothing away: their session goes on.
    expectOk(await refresh(server, user.refreshToken));
  });

  it("demoting an admin ends their sessions and their old token loses admin access at once", async () => {
    const other = await signedInAccount(server, { tag: "demote", role: "admin" });
    expectOk(await call(server, "GET", "/admin/users", other.accessToken));

    const res = expectOk(await patchUser(server, admin.accessToken, other.id, { role: "user" }));
    expect(res.user.role).toBe("user");

    // The token still says role "admin", but its session ended with the demotion.
    expectError(await call(server, "GET", "/admin/users", other.accessToken), 401, "UNAUTHORIZED");
    expectError(
      await patchUser(server, other.accessToken, admin.id, { role: "user" }),
      401,
      "UNAUTHORIZED",
    );
    expectError(await refresh(server, other.refreshToken), 401, "INVALID_REFRESH_TOKEN");
    // Still a user in good standing, who signs in again.
    expectError(await me(server, other.accessToken), 401, "UNAUTHORIZED");
    expectOk(await me(server, (await signIn(server, other)).accessToken));
  });

  it("a non-UUID or unknown id: 404 USER_NOT_FOUND on every per-user route", async () => {
    for (const id of [
      "not-a-uuid",
      randomUUID(),
      "1' OR '1'='1",
      "00000000-0000-0000-0000-00000000000g",
    ]) {
      for (const [method, path, body] of adminRoutes(id)) {
        if (!path.startsWith("/admin/users/")) continue;
        expectError(
          await call(server, method, path, admin.accessToken, body),
          404,
          "USER_NOT_FOUND",
        );
      }
    }
  });
});

describeEachStore("admin API: the last active admin", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startAdminServer(store);
  });
  afterAll(() => server?.close());

  describe("409 LAST_ADMIN, then allowed once a second active admin exists", () => {
    it("block, demote and delete", async () => {
      const first = await bootstrapAdminSession(server);
      const lastAdmin = async (session: Session) => {
        expectError(
          await patchUser(server, session.accessToken, session.id, { status: "blocked" }),
          409,
          "LAST_ADMIN",
        );
        expectError(
          await patchUser(server, session.accessToken, session.id, { role: "user" }),
          409,
          "LAST_ADMIN",
        );
        expectError(await deleteUser(server, session.accessToken, session.id), 409, "LAST_ADMIN");
        // Refused means untouched: still an admin with a working session.
        expectOk(await call(server, "GET", "/admin/users", session.accessToken));
        const live = await server.runtime.deps.stores.sessions.listLiveForUser(
          session.id,
          server.clock(),
        );
        expect(live.length).toBeGreaterThan(0);
      };
      await lastAdmin(first);

      // A second admin: the first may now delete themself.
      const second = await signedInAccount(server, { tag: "second" });
      expectOk(await patchUser(server, first.accessToken, second.id, { role: "admin" }));
      expectOk(await deleteUser(server, first.accessToken, first.id));
      expectError(
        await call(server, "GET", "/admin/users", first.accessToken),
        401,
        "UNAUTHORIZED",
      );

      await lastAdmin(second);
      // A blocked or pending admin does not count.
      const blockedAdmin = await createAccount(server, {
        tag: "blk",
        role: "admin",
        status: "blocked",
      });
      await lastAdmin(second);

      const third = await signedInAccount(server, { tag: "third" });
      expectOk(await patchUser(server, second.accessToken, third.id, { role: "admin" }));
      expectOk(await patchUser(server, second.accessToken, second.id, { status: "blocked" }));
      expectError(
        await call(server, "GET", "/admin/users", second.accessToken),
        403,
        "ACCOUNT_BLOCKED",
      );

      await lastAdmin(third);
      // Unblocking an admin brings a second active admin back.
      expectOk(await patchUser(server, third.accessToken, blockedAdmin.id, { status: "active" }));
      expectOk(await patchUser(server, third.accessToken, third.id, { role: "user" }));
      // Demotion ended the session the token names: refused before its role is looked at.
      expectError(
        await call(server, "GET", "/admin/users", third.accessToken),
        401,
        "UNAUTHORIZED",
      );

      const admins = await server.runtime.deps.stores.users.list({
        limit: 100,
        role: "admin",
        status: "active",
      });
      expect(admins.map((u) => u.id)).toEqual([blockedAdmin.id]);
    });
  });
});
