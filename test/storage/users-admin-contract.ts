import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewUser, Stores, UserRecord } from "../../src/storage/ports.js";
import { isDatabaseUnavailable } from "../../src/storage/unavailable.js";

const NOW = new Date("2031-03-01T00:00:00.000Z");
const at = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);

/**
 * The UserStore's admin and import part of the contract (list, delete, lockActiveAdmins,
 * importUser), run on every database like the rest.
 */
export function runUsersAdminContract(
  name: string,
  open: () => Promise<{ stores: Stores; close(): Promise<void> }>,
): void {
  describe(`user store admin contract: ${name}`, () => {
    let stores: Stores;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ stores, close } = await open());
    });
    afterAll(() => close?.());

    /** A tag no other test's users contain, so `q` scopes a listing to one test. */
    const newTag = () => `t${randomBytes(4).toString("hex")}`;

    function newUser(overrides: Partial<NewUser> = {}): NewUser {
      return {
        id: randomUUID(),
        email: `${newTag()}@example.test`,
        name: null,
        username: null,
        passwordHash: "hash",
        status: "active",
        role: "user",
        emailVerifiedAt: NOW,
        now: NOW,
        ...overrides,
      };
    }

    const make = (overrides: Partial<NewUser> = {}) => stores.users.create(newUser(overrides));
    const ids = (users: UserRecord[]) => users.map((u) => u.id);
    const byNewest = (a: UserRecord, b: UserRecord) =>
      b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

    describe("list", () => {
      it("orders newest first by (createdAt, id) and pages strictly after the cursor", async () => {
        const tag = newTag();
        const made: UserRecord[] = [];
        for (const s of [5, 1, 3, 3, 3, 0, 4]) {
          made.push(await make({ email: `${tag}-${made.length}@example.test`, createdAt: at(s) }));
        }
        const expected = [...made].sort(byNewest);
        const all = await stores.users.list({ limit: 100, q: tag });
        expect(ids(all)).toEqual(ids(expected));
        expect(all[0]?.createdAt).toEqual(at(0));

        const seen: string[] = [];
        let after: { createdAt: Date; id: string } | undefined;
        for (let page = 0; page < 10; page += 1) {
          const users = await stores.users.list({ limit: 2, q: tag, after });
          seen.push(...ids(users));
          const last = users.at(-1);
          if (users.length < 2 || !last) break;
          after = { createdAt: last.createdAt, id: last.id };
        }
        expect(seen).toEqual(ids(expected));
      });

      it("q: case-insensitive substring of email, name or username", async () => {
        const tag = newTag();
        const byEmail = await make({ email: `${tag}-mail@example.test` });
        const byName = await make({ name: `Ada ${tag.toUpperCase()} Lovelace` });
        const byUsername = await make({ username: `Ada_${tag.toUpperCase()}` });
        await make({ name: "Unrelated" });
        const found = await stores.users.list({ limit: 100, q: tag.toUpperCase() });
        expect(ids(found).sort()).toEqual([byEmail.id, byName.id, byUsername.id].sort());
        expect(ids(await stores.users.list({ limit: 100, q: `${tag}-MAIL@` }))).toEqual([
          byEmail.id,
        ]);
        expect(ids(await stores.users.list({ limit: 100, q: `ada ${tag}` }))).toEqual([byName.id]);
      });

      it("q: %, _ and \\ are literal, never LIKE wildcards or escapes", async () => {
        const tag = newTag();
        const percent = await make({ name: `${tag} 100%` });
        await make({ name: `${tag} 1000` });
        const underscore = await make({ username: `a_${tag}` });
        await make({ username: `ab${tag}` });
        const backslash = await make({ name: `${tag} back\\slash` });
        await make({ name: `${tag} backslash` });
        const list = (q: string) => stores.users.list({ limit: 100, q });
        expect(ids(await list(`${tag} 100%`))).toEqual([percent.id]);
        expect(ids(await list(`a_${tag}`))).toEqual([underscore.id]);
        expect(ids(await list(`back\\slash`))).toEqual([backslash.id]);
        expect(ids(await list(`${tag}%`))).toEqual([]);
        expect(ids(await list("_"))).toEqual(expect.arrayContaining([underscore.id]));
        expect(
          (await list("_")).every((u) => `${u.email}${u.name}${u.username}`.includes("_")),
        ).toBe(true);
      });

      it("filters by status and role, combined with q and limit", async () => {
        const tag = newTag();
        const email = (n: string) => `${tag}-${n}@example.test`;
        const pending = await make({ email: email("p"), status: "pending", emailVerifiedAt: null });
        const active = await make({ email: email("a") });
        const blocked = await make({ email: email("b"), status: "blocked" });
        const admin = await make({ email: email("adm"), role: "admin" });
        const list = (extra: object) => stores.users.list({ limit: 100, q: tag, ...extra });
        expect(ids(await list({ status: "pending" }))).toEqual([pending.id]);
        expect(ids(await list({ status: "blocked" }))).toEqual([blocked.id]);
        expect(ids(await list({ role: "admin" }))).toEqual([admin.id]);
        expect(ids(await list({ role: "user", status: "active" }))).toEqual([active.id]);
        expect(await list({ role: "admin", status: "blocked" })).toEqual([]);
        expect(await stores.users.list({ limit: 1, q: tag })).toHaveLength(1);
        const everyBlocked = await stores.users.list({ limit: 1000, status: "blocked" });
        expect(everyBlocked.every((u) => u.status === "blocked")).toBe(true);
      });
    });

    describe("delete", () => {
      it("removes the user with their codes and sessions; false the second time", async () => {
        const user = await make();
        await stores.codes.put({
          userId: user.id,
          purpose: "reset",
          kind: "link",
          secretHash: `del-${randomUUID()}`,
          expiresAt: at(-600),
          now: NOW,
        });
        const tokenHash = `del-${randomUUID()}`;
        const sessionId = randomUUID();
        await stores.sessions.create({
          id: sessionId,
          familyId: randomUUID(),
          userId: user.id,
          tokenHash,
          familyStartedAt: NOW,
          expiresAt: at(-86_400),
          userAgent: null,
          ip: null,
          now: NOW,
        });
        expect(await stores.users.delete(user.id)).toBe(true);
        expect(await stores.users.findById(user.id)).toBeNull();
        expect(await stores.codes.find(user.id, "reset")).toBeNull();
        expect(await stores.sessions.findByToken({ sessionId, tokenHash })).toBeNull();
        expect(await stores.users.delete(user.id)).toBe(false);
        expect(await stores.users.delete(randomUUID())).toBe(false);
      });

      it("leaves other users alone", async () => {
        const keep = await make();
        const drop = await make();
        await stores.users.delete(drop.id);
        expect(await stores.users.findById(keep.id)).toEqual(keep);
      });
    });

    describe("lockActiveAdmins", () => {
      it("returns the ids of active admins only, sorted", async () => {
        const a = await make({ role: "admin" });
        const b = await make({ role: "admin" });
        const blocked = await make({ role: "admin", status: "blocked" });
        const pending = await make({ role: "admin", status: "pending", emailVerifiedAt: null });
        const user = await make();
        const locked = await stores.transaction((tx) => tx.users.lockActiveAdmins());
        expect(locked).toEqual(expect.arrayContaining([a.id, b.id]));
        for (const id of [blocked.id, pending.id, user.id]) expect(locked).not.toContain(id);
        expect([...locked].sort()).toEqual(locked);
      });

      it("a second locker waits for the first and sees what it committed", async () => {
        const a = await make({ role: "admin" });
        const b = await make({ role: "admin" });
        let releaseFirst!: () => void;
        const firstMayCommit = new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });
        let firstLocked!: () => void;
        const firstHasLock = new Promise<void>((resolve) => {
          firstLocked = resolve;
        });
        const order: string[] = [];

        const first = stores.transaction(async (tx) => {
          const admins = await tx.users.lockActiveAdmins();
          expect(admins).toEqual(expect.arrayContaining([a.id, b.id]));
          firstLocked();
          await firstMayCommit;
          await tx.users.update(a.id, { role: "user" }, NOW);
          order.push("first commits");
        });
        await firstHasLock;
        const second = stores.transaction(async (tx) => {
          const admins = await tx.users.lockActiveAdmins();
          order.push("second locked");
          return admins;
        });
        // Give the second a chance to (wrongly) get ahead before the first goes on.
        await new Promise((resolve) => setTimeout(resolve, 100));
        releaseFirst();
        await first;
        const seenBySecond = await second;
        expect(order).toEqual(["first commits", "second locked"]);
        expect(seenBySecond).toContain(b.id);
        expect(seenBySecond).not.toContain(a.id);
      });

      // Issue 13, item 10: a wait on another admin change is bounded (lock_timeout, 5 s) and
      // reads as "unavailable" (503 with Retry-After), not as a 500 or an endless wait.
      it.skipIf(name.startsWith("PGlite"))(
        "gives up waiting for another locker after the lock timeout, as unavailable",
        async () => {
          await make({ role: "admin" });
          let secondDone!: () => void;
          const secondSettled = new Promise<void>((resolve) => {
            secondDone = resolve;
          });
          let firstLocked!: () => void;
          const firstHasLock = new Promise<void>((resolve) => {
            firstLocked = resolve;
          });
          const first = stores.transaction(async (tx) => {
            await tx.users.lockActiveAdmins();
            firstLocked();
            await secondSettled;
          });
          await firstHasLock;
          const second = stores.transaction((tx) => tx.users.lockActiveAdmins());
          const outcome = await second.then(
            () => null,
            (error: unknown) => error,
          );
          secondDone();
          await first;
          expect(isDatabaseUnavailable(outcome)).toBe(true);
        },
        15_000,
      );

      // Issue 13, item 10. PGlite has one connection: its transactions never overlap.
      it.skipIf(name.startsWith("PGlite"))(
        "does not block rows that reference a locked admin (no deadlock with a login)",
        async () => {
          const admin = await make({ role: "admin" });
          await make({ role: "admin" });
          const session = (id: string) => ({
            id,
            familyId: randomUUID(),
            userId: admin.id,
            tokenHash: randomBytes(16).toString("hex"),
            familyStartedAt: NOW,
            expiresAt: new Date(NOW.getTime() + 86_400_000),
            userAgent: null,
            ip: null,
            now: NOW,
          });
          await stores.sessions.create(session(randomUUID()));
          const signal = () => {
            let resolve!: () => void;
            const promise = new Promise<void>((done) => {
              resolve = done;
            });
            return { promise, resolve };
          };
          const adminsLocked = signal();
          const sessionAdded = signal();
          // The admin change holds the admins' rows while a login adds a session, whose
          // foreign key takes KEY SHARE on the admin's row: FOR UPDATE would block the login
          // there and wait in a cycle with the change's revoke of the admin's sessions.
          let attempts = 0;
          const change = stores.transaction(async (tx) => {
            attempts++;
            await tx.users.lockActiveAdmins();
            adminsLocked.resolve();
            await sessionAdded.promise;
            return tx.sessions.revokeAllForUser(admin.id, NOW);
          });
          await adminsLocked.promise;
          await stores.sessions.create(session(randomUUID()));
          sessionAdded.resolve();
          // The revoke runs after the login committed, so it sees and ends both sessions.
          await expect(change).resolves.toBe(2);
          // Once: no deadlock for the transaction's retry to hide.
          expect(attempts).toBe(1);
        },
      );
    });

    describe("importUser", () => {
      const imported = (overrides: Partial<NewUser> = {}) =>
        newUser({
          legacyId: randomBytes(12).toString("hex"),
          username: `imp_${newTag()}`,
          passwordHash: "$2b$10$abcdefghijklmnopqrstuuOE1J5sJQ1xV5cKq8mQk6n8o0Gk2kq2e",
          createdAt: new Date("2019-05-04T03:02:01.123Z"),
          ...overrides,
        });

      it("creates the user with its legacy id and original createdAt", async () => {
        const user = imported({ locale: "fr" });
        expect(await stores.users.importUser(user)).toBe("created");
        const stored = await stores.users.findById(user.id);
        expect(stored).toMatchObject({
          email: user.email,
          username: user.username,
          legacyId: user.legacyId,
          locale: "fr",
          passwordHash: user.passwordHash,
          createdAt: new Date("2019-05-04T03:02:01.123Z"),
          updatedAt: NOW,
        });
      });

      it("is 'exists', changing nothing, for the same email, legacy id or username", async () => {
        const original = imported({ name: "Original" });
        expect(await stores.users.importUser(original)).toBe("created");
        const before = await stores.users.findById(original.id);
        const again = (overrides: Partial<NewUser>) =>
          stores.users.importUser(imported({ name: "Changed", ...overrides }));

        expect(await again({ email: original.email })).toBe("exists");
        expect(await again({ legacyId: original.legacyId ?? null })).toBe("exists");
        expect(await again({ username: original.username })).toBe("exists");
        expect(await again({ username: original.username?.toUpperCase() ?? null })).toBe("exists");
        expect(await again({ id: original.id })).toBe("exists");
        expect(await stores.users.findById(original.id)).toEqual(before);
        expect(await stores.users.findByEmail(original.email)).toEqual(before);
      });

      it("a user created by sign-up counts too: importing its email is 'exists'", async () => {
        const existing = await make();
        expect(await stores.users.importUser(imported({ email: existing.email }))).toBe("exists");
        expect(await stores.users.findById(existing.id)).toEqual(existing);
      });
    });
  });
}
