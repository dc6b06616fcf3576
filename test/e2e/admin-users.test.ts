import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../src/domain/cursor.js";
import { extractLink } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import {
  bearer,
  bootstrapAdminSession,
  call,
  createAccount,
  deleteUser,
  expectOk,
  me,
  patchUser,
  RESET_LINK_PREFIX,
  refresh,
  type Session,
  signedInAccount,
  signIn,
  startAdminServer,
} from "./admin-support.js";
import { expectError, expectFieldError, expectUser, mailsTo } from "./support.js";

describeEachStore("admin API: users", (store) => {
  let server: TestServer;
  let admin: Session;
  beforeAll(async () => {
    server = await startAdminServer(store);
    admin = await bootstrapAdminSession(server);
  });
  afterAll(() => server?.close());

  const list = (query: string) => server.get(`/admin/users?${query}`, bearer(admin.accessToken));
  const ids = (res: { body: { users: { id: string }[] } }) => res.body.users.map((u) => u.id);
  /** A tag no other test's users contain, so `q` scopes a listing to one test. */
  const newTag = () => `t${randomBytes(4).toString("hex")}`;

  async function allPages(query: string, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const body = expectOk(await list(`limit=${limit}&${query}${suffix}`));
      expect(body.users.length).toBeLessThanOrEqual(limit);
      for (const user of body.users) expectUser(user);
      pages.push(body.users.map((u: { id: string }) => u.id));
      cursor = body.nextCursor;
    } while (cursor !== null && pages.length < 1000);
    return pages;
  }

  describe("GET /admin/users", () => {
    it("lists newest first; limit and cursor page through every match without repeats", async () => {
      const tag = newTag();
      const base = server.clock().getTime();
      // Two share a creation time: the id breaks the tie, so no page boundary loses one.
      const offsets = [0, 1, 1, 2, 3, 4, 5];
      const made = [];
      for (const s of offsets) {
        made.push(await createAccount(server, { tag, createdAt: new Date(base - s * 1000) }));
      }
      const pages = await allPages(`q=${tag}`, 3);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      const seen = pages.flat();
      expect(new Set(seen).size).toBe(7);
      const expected = await server.runtime.deps.stores.users.list({ limit: 100, q: tag });
      expect(seen).toEqual(expected.map((u) => u.id));
      expect(seen[0]).toBe(made[0]?.id);
      expect(seen.at(-1)).toBe(made[6]?.id);
    });

    it("pages through all users (no filter) without repeats or gaps", async () => {
      const total = await server.runtime.deps.stores.users.list({ limit: 10_000 });
      const seen = (await allPages("", 2)).flat();
      expect(seen.length).toBe(total.length);
      expect(new Set(seen).size).toBe(seen.length);
      const body = expectOk(await list(""));
      expect(body.users.length).toBe(Math.min(total.length, 50));
    });

    it("q matches email, name and username, case-insensitively", async () => {
      const tag = newTag();
      const byName = await createAccount(server, { name: `Zebediah ${tag.toUpperCase()}` });
      const byUsername = await createAccount(server, { username: `Zeb_${tag.toUpperCase()}` });
      const byEmail = await createAccount(server, { email: `${tag}@latchkey.test` });
      await createAccount(server, { name: "Somebody Else" });
      const hits = ids(await list(`q=${tag.toUpperCase()}`));
      expect(hits.sort()).toEqual([byName.id, byUsername.id, byEmail.id].sort());
      expect(ids(await list(`q=zebediah%20${tag}`))).toEqual([byName.id]);
      expect(ids(await list(`q=zeb_${tag}`))).toEqual([byUsername.id]);
      expect(ids(await list(`q=${tag.toUpperCase()}%40LATCHKEY`))).toEqual([byEmail.id]);
      expect(ids(await list(`q=${encodeURIComponent(`  ${tag}@`)}`))).toEqual([byEmail.id]);
    });

    it("% and _ in q are literal characters, not wildcards", async () => {
      const tag = newTag();
      const percent = await createAccount(server, { name: `${tag} 50%off` });
      await createAccount(server, { name: `${tag} 50xoff` });
      const underscore = await createAccount(server, { username: `u_${tag}` });
      await createAccount(server, { username: `ux${tag}` });
      expect(ids(await list(`q=${encodeURIComponent(`${tag} 50%o`)}`))).toEqual([percent.id]);
      expect(ids(await list(`q=${encodeURIComponent(`u_${tag}`)}`))).toEqual([underscore.id]);
      expect(ids(await list(`q=${encodeURIComponent(`${tag}%`)}`))).toEqual([]);
    });

    it("filters by status and role, alone and with q", async () => {
      const tag = newTag();
      const pending = await createAccount(server, { tag, status: "pending" });
      const active = await createAccount(server, { tag });
      const blocked = await createAccount(server, { tag, status: "blocked" });
      const otherAdmin = await createAccount(server, { tag, role: "admin" });
      expect(ids(await list(`q=${tag}&status=pending`))).toEqual([pending.id]);
      expect(ids(await list(`q=${tag}&status=blocked`))).toEqual([blocked.id]);
      expect(ids(await list(`q=${tag}&status=active`)).sort()).toEqual(
        [active.id, otherAdmin.id].sort(),
      );
      expect(ids(await list(`q=${tag}&role=admin`))).toEqual([otherAdmin.id]);
      expect(ids(await list(`q=${tag}&role=user&status=active`))).toEqual([active.id]);
      const admins = expectOk(await list("role=admin&limit=100")).users;
      expect(admins.every((u: { role: string }) => u.role === "admin")).toBe(true);
      expect(admins.map((u: { id: string }) => u.id)).toContain(admin.id);
    });

    it("a bad cursor, limit, filter or unknown parameter: 400 VALIDATION_FAILED", async () => {
      expectFieldError(await list("cursor=garbage"), "cursor");
      // Well-formed but not one of ours: its id is not a UUID (was a 500 from the uuid column).
      const forged = encodeCursor({ at: new Date(), id: "not-a-uuid" });
      expectFieldError(await list(`cursor=${forged}`), "cursor");
      for (const limit of ["0", "101", "-1", "abc", "1.5", ""]) {
        expectFieldError(await list(`limit=${limit}`), "limit");
      }
      expectFieldError(await list("status=frozen"), "status");
      expectFieldError(await list("role=root"), "role");
      expectFieldError(await list("sort=email"), "sort");
      expectOk(await list("limit=100"));
      expectOk(await list("limit=1"));
    });
  });

  describe("GET /admin/users/:id", () => {
    it("answers the user object and nothing more", async () => {
      const user = await createAccount(server, { name: "Grace", username: `grace_${newTag()}` });
      const body = expectOk(await server.get(`/admin/users/${user.id}`, bearer(admin.accessToken)));
      expectUser(body.user);
      expect(body.user).toMatchObject({ id: user.id, email: user.email, name: "Grace" });
      expect(JSON.stringify(body)).not.toMatch(/argon2|passwordHash|legacyId/);
    });

    it("unknown and non-UUID ids: 404 USER_NOT_FOUND", async () => {
      for (const id of [randomUUID(), "123", "not-a-uuid"]) {
        expectError(
          await server.get(`/admin/users/${id}`, bearer(admin.accessToken)),
          404,
          "USER_NOT_FOUND",
        );
      }
    });
  });

  describe("PATCH /admin/users/:id", () => {
    it("renames, trims, and clears the name with null", async () => {
      const user = await createAccount(server, { name: "Old" });
      const renamed = expectOk(
        await patchUser(server, admin.accessToken, user.id, { name: "  New Name " }),
      );
      expect(renamed.user.name).toBe("New Name");
      const cleared = expectOk(await patchUser(server, admin.accessToken, user.id, { name: null }));
      expect(cleared.user.name).toBeNull();
    });

    it("an empty body, an unknown field or a bad value: 400, and nothing changes", async () => {
      const user = await createAccount(server, { name: "Same" });
      expectError(
        await patchUser(server, admin.accessToken, user.id, {}),
        400,
        "VALIDATION_FAILED",
      );
      expectFieldError(
        await patchUser(server, admin.accessToken, user.id, { email: "x@y.z" }),
        "email",
      );
      expectFieldError(
        await patchUser(server, admin.accessToken, user.id, { status: "frozen" }),
        "status",
      );
      // pending means "not verified yet"; an admin does not set it.
      expectFieldError(
        await patchUser(server, admin.accessToken, user.id, { status: "pending" }),
        "status",
      );
      expectFieldError(
        await patchUser(server, admin.accessToken, user.id, { role: "root" }),
        "role",
      );
      expectFieldError(await patchUser(server, admin.accessToken, user.id, { name: "" }), "name");
      expectFieldError(await patchUser(server, admin.accessToken, user.id, { name: 5 }), "name");
      const after = await server.runtime.deps.stores.users.findById(user.id);
      expect(after).toMatchObject({ name: "Same", status: "active", role: "user" });
    });

    it("an unknown user: 404 USER_NOT_FOUND", async () => {
      expectError(
        await patchUser(server, admin.accessToken, randomUUID(), { name: "x" }),
        404,
        "USER_NOT_FOUND",
      );
    });
  });

  describe("DELETE /admin/users/:id", () => {
    it("removes the user and their sessions; then 404", async () => {
      const user = await signedInAccount(server, { tag: "delete" });
      expectOk(await deleteUser(server, admin.accessToken, user.id));
      expectError(
        await server.get(`/admin/users/${user.id}`, bearer(admin.accessToken)),
        404,
        "USER_NOT_FOUND",
      );
      expect(await server.runtime.deps.stores.users.findById(user.id)).toBeNull();
      expectError(await refresh(server, user.refreshToken), 401, "INVALID_REFRESH_TOKEN");
      expectError(await me(server, user.accessToken), 401, "UNAUTHORIZED");
      expectError(await deleteUser(server, admin.accessToken, user.id), 404, "USER_NOT_FOUND");
      // The address is free again.
      expect(
        (await server.post("/auth/register", { email: user.email, password: user.password }))
          .status,
      ).toBe(201);
    });
  });

  describe("POST /admin/users/:id/revoke-sessions", () => {
    it("ends every session of the user and counts them", async () => {
      const user = await signedInAccount(server, { tag: "revoke" });
      const second = await signIn(server, user);
      const body = expectOk(
        await call(server, "POST", `/admin/users/${user.id}/revoke-sessions`, admin.accessToken),
      );
      expect(body.revoked).toBe(2);
      expectError(await refresh(server, user.refreshToken), 401, "INVALID_REFRESH_TOKEN");
      expectError(await refresh(server, second.refreshToken), 401, "INVALID_REFRESH_TOKEN");
      const again = expectOk(
        await call(server, "POST", `/admin/users/${user.id}/revoke-sessions`, admin.accessToken),
      );
      expect(again.revoked).toBe(0);
      // The user is not blocked: signing in again works.
      await signIn(server, user);
    });
  });

  describe("POST /admin/users/:id/send-reset", () => {
    const settle = async () => {
      await server.runtime.background.flush();
      await server.runtime.mail.flush();
    };

    it("mails a working reset link, even inside RESEND_COOLDOWN", async () => {
      const user = await signedInAccount(server, { tag: "reset" });
      expect((await server.post("/auth/forgot-password", { email: user.email })).status).toBe(202);
      await settle();
      expect(mailsTo(server, user.email)).toHaveLength(1);

      const res = await call(
        server,
        "POST",
        `/admin/users/${user.id}/send-reset`,
        admin.accessToken,
      );
      expect(expectOk(res, 202).sent).toBe(true);
      await settle();
      const mails = mailsTo(server, user.email);
      expect(mails).toHaveLength(2);
      const token = extractLink(mails[1]!, RESET_LINK_PREFIX).slice(RESET_LINK_PREFIX.length);
      const reset = await server.post("/auth/reset-password", {
        token,
        password: "a brand new password 7",
      });
      expect(reset.status, JSON.stringify(reset.body)).toBe(200);
      // The earlier link was replaced by the admin's.
      const first = extractLink(mails[0]!, RESET_LINK_PREFIX).slice(RESET_LINK_PREFIX.length);
      expect(first).not.toBe(token);
    });

    it("a blocked user gets no link: 202 with sent false", async () => {
      const user = await createAccount(server, { tag: "reset-blocked", status: "blocked" });
      const res = await call(
        server,
        "POST",
        `/admin/users/${user.id}/send-reset`,
        admin.accessToken,
      );
      expect(expectOk(res, 202).sent).toBe(false);
      await settle();
      expect(mailsTo(server, user.email)).toHaveLength(0);
    });
  });
});
