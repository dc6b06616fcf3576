import { afterAll, beforeAll, expect, it } from "vitest";
import { createPasswordHasher } from "../../src/crypto/password.js";
import { createStores } from "../../src/storage/stores/index.js";
import {
  CLI_TIMEOUT,
  type CliDatabase,
  describeEachDatabase,
  errorLine,
  inDatabase,
  runCli,
} from "./support.js";

describeEachDatabase("CLI user commands", (makeDatabase) => {
  let database: CliDatabase;
  const cli = (args: string[], input?: string) =>
    runCli(args, database.env, input === undefined ? {} : { input });

  beforeAll(async () => {
    database = await makeDatabase();
  }, CLI_TIMEOUT);
  afterAll(() => database?.drop());

  it(
    "migrate applies every migration once",
    async () => {
      const first = await cli(["migrate"]);
      expect(first.stdout).toMatch(/^applied: 0001-init, /);
      expect(first.code).toBe(0);
      const second = await cli(["migrate"]);
      expect(second.stdout.trim()).toBe("already up to date");
    },
    CLI_TIMEOUT,
  );

  it(
    "create-user makes a verified admin, and a pending user whose password comes from stdin",
    async () => {
      const admin = await cli([
        "create-user",
        "--email",
        "Root@Example.com",
        "--password",
        "correct-horse-77",
        "--role",
        "admin",
        "--verified",
        "--name",
        "Root Operator",
      ]);
      expect(admin.stderr).toBe("");
      expect(admin.stdout).toMatch(
        /^created root@example\.com \(id [0-9a-f-]{36}, role admin, status active\)$/m,
      );
      expect(admin.code).toBe(0);

      const user = await cli(
        ["create-user", "--email", "user@example.com", "--password-stdin", "--username", "user_1"],
        "typed-on-stdin-42\nignored second line\n",
      );
      expect(user.stdout).toMatch(/created user@example\.com .*role user, status pending/);
      expect(user.code).toBe(0);

      const listed = await cli(["list-users", "--json"]);
      expect(listed.code).toBe(0);
      const users = listed.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(users).toEqual([
        expect.objectContaining({
          email: "user@example.com",
          username: "user_1",
          role: "user",
          status: "pending",
          emailVerified: false,
        }),
        expect.objectContaining({
          email: "root@example.com",
          name: "Root Operator",
          role: "admin",
          status: "active",
          emailVerified: true,
        }),
      ]);
      expect(JSON.stringify(users)).not.toContain("argon2");

      await inDatabase(database, async (db) => {
        const stores = createStores(db);
        const hasher = await createPasswordHasher({ memoryKib: 19456, iterations: 2 });
        const stored = await stores.users.findByEmail("user@example.com");
        expect(await hasher.verify(stored?.passwordHash ?? "", "typed-on-stdin-42")).toEqual({
          ok: true,
          needsRehash: false,
        });
        const root = await stores.users.findByEmail("root@example.com");
        expect(await hasher.verify(root?.passwordHash ?? "", "correct-horse-77")).toMatchObject({
          ok: true,
        });
        const events = await stores.audit.list({ limit: 10, type: "admin.user.created" });
        expect(events).toHaveLength(2);
        expect(events.every((event) => event.actorId === null)).toBe(true);
      });
    },
    CLI_TIMEOUT,
  );

  it(
    "refuses a taken email, a common password and an unknown user with one line",
    async () => {
      const taken = await cli([
        "create-user",
        "--email",
        "root@example.com",
        "--password",
        "another-pass-99",
      ]);
      expect(taken.code).toBe(1);
      expect(errorLine(taken)).toBe(
        "latchkey: a user with email root@example.com already exists (see set-role, unblock)",
      );
      const weak = await cli(
        ["create-user", "--email", "weak@example.com", "--password-stdin"],
        "password1\n",
      );
      expect(weak.code).toBe(1);
      expect(errorLine(weak)).toBe(
        "latchkey: --password-stdin: This password is too common. Choose one that is harder to guess.",
      );
      const admin = await cli([
        "create-user",
        "--email",
        "admin@example.com",
        "--password",
        "my admin keyring 2024",
      ]);
      expect(admin.code).toBe(1);
      expect(errorLine(admin)).toBe(
        "latchkey: --password: The password must not contain your email name (the part of your email address before the @).",
      );
      const ghost = await cli(["block", "--email", "ghost@example.com"]);
      expect(ghost.code).toBe(1);
      expect(errorLine(ghost)).toBe("latchkey: no user with email ghost@example.com");
    },
    CLI_TIMEOUT,
  );

  it(
    "lists as a table, filtered and limited",
    async () => {
      const table = await cli(["list-users", "--limit", "1"]);
      expect(table.code).toBe(0);
      const lines = table.stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(
        /^ID\s+EMAIL\s+ROLE\s+STATUS\s+VERIFIED\s+CREATED\s+NAME\s+USERNAME$/,
      );
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(
        /user@example\.com\s+user\s+pending\s+no\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+user_1$/,
      );
      expect(table.stderr).toMatch(/more users match/);
      const admins = await cli([
        "list-users",
        "--role",
        "admin",
        "--status",
        "active",
        "--q",
        "OPERATOR",
      ]);
      expect(admins.stdout.trim().split("\n")).toHaveLength(2);
      expect(admins.stdout).toContain("root@example.com");
      expect(admins.stderr).toBe("");
    },
    CLI_TIMEOUT,
  );

  it(
    "keeps the last active admin, then blocks, unblocks, promotes, demotes and deletes",
    async () => {
      const rootId = await inDatabase(database, async (db) => {
        const stores = createStores(db);
        const root = await stores.users.findByEmail("root@example.com");
        const user = await stores.users.findByEmail("user@example.com");
        const now = new Date();
        for (const [owner, id] of [
          [root, "8a0d3d0c-84c3-4a51-9d4f-1a2b3c4d5e01"],
          [user, "8a0d3d0c-84c3-4a51-9d4f-1a2b3c4d5e02"],
        ] as const) {
          await stores.sessions.create({
            id,
            familyId: id,
            userId: owner?.id ?? "",
            tokenHash: `hash-${id}`,
            familyStartedAt: now,
            expiresAt: new Date(now.getTime() + 86_400_000),
            userAgent: null,
            ip: null,
            now,
          });
        }
        return root?.id ?? "";
      });

      const lastAdmin = await cli(["block", "--email", "root@example.com"]);
      expect(lastAdmin.code).toBe(1);
      expect(errorLine(lastAdmin)).toBe(
        "latchkey: The last active admin cannot be removed. (LAST_ADMIN)",
      );

      const promote = await cli(["set-role", "--email", "user@example.com", "--role", "admin"]);
      expect(promote.stdout.trim()).toBe("user@example.com is now admin");
      // A pending admin is no active admin: root is still the last one.
      expect((await cli(["delete-user", "--id", rootId, "--yes"])).stderr).toMatch(/LAST_ADMIN/);

      const block = await cli(["block", "--email", "user@example.com"]);
      expect(block.stdout.trim()).toBe("blocked user@example.com; their sessions are revoked");
      const unblockPending = await cli(["unblock", "--email", "user@example.com"]);
      // Never verified: unblocking gives back "pending", not a free pass to "active".
      expect(unblockPending.stdout.trim()).toBe("unblocked user@example.com; status pending");

      const demote = await cli(["set-role", "--email", "user@example.com", "--role", "user"]);
      expect(demote.stdout.trim()).toBe("user@example.com is now user; their sessions are revoked");
      const again = await cli(["unblock", "--id", rootId]);
      expect(again.stdout.trim()).toBe("root@example.com is not blocked (active); nothing changed");

      const deleted = await cli(["delete-user", "--email", "user@example.com", "--yes"]);
      expect(deleted.stdout.trim()).toMatch(/^deleted user@example\.com \(id [0-9a-f-]{36}\)$/);
      expect(deleted.code).toBe(0);

      await inDatabase(database, async (db) => {
        const stores = createStores(db);
        expect(await stores.users.findByEmail("user@example.com")).toBeNull();
        const root = await stores.users.findById(rootId);
        expect(root).toMatchObject({ status: "active", role: "admin" });
        // The failed block of the last admin changed nothing: root's session is live.
        expect(await stores.sessions.listLiveForUser(rootId, new Date())).toHaveLength(1);
        const updates = await stores.audit.list({ limit: 20, type: "admin.user.updated" });
        expect(updates.map((event) => event.details)).toEqual([
          { role: "user" },
          { status: "pending" },
          { status: "blocked" },
          { role: "admin" },
        ]);
        const deletes = await stores.audit.list({ limit: 5, type: "admin.user.deleted" });
        expect(deletes).toHaveLength(1);
        expect(deletes[0]?.actorId).toBeNull();
      });
    },
    CLI_TIMEOUT * 2,
  );
});
