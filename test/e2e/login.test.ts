import { randomUUID } from "node:crypto";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/crypto/digest.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  expectError,
  expectSessionCookies,
  expectTokenBundle,
  loginOk,
  PASSWORD,
  registerActive,
  registerPending,
  uniqueEmail,
} from "./support.js";

const USER_AGENT = "latchkey-e2e/1.0 (login.test.ts)";

describeEachStore("POST /auth/login", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  /** A user put straight into the store, as the CLI's import of older systems would. */
  async function insertUser(passwordHash: string, status: "active" | "pending" = "active") {
    const email = uniqueEmail("imported");
    const now = server.clock();
    const user = await server.runtime.deps.stores.users.create({
      id: randomUUID(),
      email,
      name: "Imported",
      username: null,
      passwordHash,
      status,
      role: "user",
      emailVerifiedAt: status === "active" ? now : null,
      now,
    });
    return user;
  }

  describe("success", () => {
    it("answers 200 with the token bundle and the session cookies", async () => {
      const { email, userId } = await registerActive(server, "bundle");
      const res = await loginOk(server, email);

      expectTokenBundle(res, 900);
      expectSessionCookies(res, false);
      expect(res.body.user).toMatchObject({
        id: userId,
        email,
        status: "active",
        emailVerified: true,
      });
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("takes the email in any case and with surrounding whitespace", async () => {
      const { email } = await registerActive(server, "casing");
      const res = await server.post("/auth/login", {
        email: `\t ${email.toUpperCase()}  `,
        password: PASSWORD,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user.email).toBe(email);
    });

    it("stores the refresh session with a SHA-256 digest of the token, the ip and the user agent", async () => {
      const { email, userId } = await registerActive(server, "session");
      const res = await server.post(
        "/auth/login",
        { email, password: PASSWORD },
        { "user-agent": USER_AGENT },
      );
      expect(res.status).toBe(200);
      const refreshToken: string = res.body.refreshToken;

      const rows = await server.runtime.database.db
        .selectFrom("refresh_sessions")
        .selectAll()
        .where("user_id", "=", userId)
        .execute();
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.token_hash).toBe(sha256(refreshToken));
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.token_names_row).toBe(true);
      // The token names its row: base64url of the session's id, a dot, 256 random bits.
      const [selector, secret] = refreshToken.split(".");
      expect(Buffer.from(selector ?? "", "base64url").toString("hex")).toBe(
        row.id.replaceAll("-", ""),
      );
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // UUIDv7 from the injected clock: new sessions land at the right edge of the primary
      // key and of the family index instead of on a random page (BENCHMARKS.md, scale curve).
      const clockHex = server.clock().getTime().toString(16).padStart(12, "0");
      for (const id of [row.id, row.family_id]) {
        expect(id.replaceAll("-", "").slice(0, 12)).toBe(clockHex);
        expect(id[14]).toBe("7");
      }
      expect(JSON.stringify(rows)).not.toContain(refreshToken);
      expect(row.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
      expect(row.user_agent).toBe(USER_AGENT);
      expect(row.revoked_at).toBeNull();
      expect(row.expires_at.getTime() - server.clock().getTime()).toBe(30 * 24 * 3600 * 1000);

      const logs = server.logs.join("");
      expect(logs).not.toContain(refreshToken);
      expect(logs).not.toContain(res.body.accessToken);
      expect(logs).not.toContain(PASSWORD);
    });

    it("each login starts its own session", async () => {
      const { email, userId } = await registerActive(server, "two-logins");
      const a = await loginOk(server, email);
      const b = await loginOk(server, email);
      expect(a.body.refreshToken).not.toBe(b.body.refreshToken);
      const live = await server.runtime.deps.stores.sessions.listLiveForUser(
        userId,
        server.clock(),
      );
      expect(live).toHaveLength(2);
      expect(new Set(live.map((s) => s.familyId)).size).toBe(2);
    });
  });

  describe("refusals", () => {
    it("an unknown email and a wrong password get identical 401 INVALID_CREDENTIALS bodies", async () => {
      const { email } = await registerActive(server, "wrongpw");
      const unknown = await server.post("/auth/login", {
        email: uniqueEmail("ghost"),
        password: PASSWORD,
      });
      const wrong = await server.post("/auth/login", { email, password: "not the password" });
      expectError(unknown, 401, "INVALID_CREDENTIALS");
      expectError(wrong, 401, "INVALID_CREDENTIALS");
      expect(wrong.body).toEqual(unknown.body);
      expect(unknown.headers.getSetCookie()).toEqual([]);
      expect(wrong.headers.getSetCookie()).toEqual([]);
    });

    const pending = (label: string) => registerPending(server, label);
    const blocked = async (label: string) => {
      const user = await registerActive(server, label);
      await server.runtime.deps.stores.users.update(
        user.userId,
        { status: "blocked" },
        server.clock(),
      );
      return user;
    };
    it.each([
      ["a pending user", "EMAIL_NOT_VERIFIED", pending],
      ["a blocked user", "ACCOUNT_BLOCKED", blocked],
    ] as const)(
      "%s: 403 %s with the right password, 401 with a wrong one",
      async (_, code, make) => {
        const { email, userId } = await make(code.toLowerCase());
        expectError(await server.post("/auth/login", { email, password: PASSWORD }), 403, code);
        expectError(
          await server.post("/auth/login", { email, password: "wrong password" }),
          401,
          "INVALID_CREDENTIALS",
        );
        expect(
          await server.runtime.deps.stores.sessions.listLiveForUser(userId, server.clock()),
        ).toEqual([]);
      },
    );
  });

  describe("legacy bcrypt hashes", () => {
    it.each(["$2b$", "$2y$", "$2a$"])(
      "a %s hash signs in and is replaced by argon2id",
      async (prefix) => {
        const legacy = (await bcryptHash(PASSWORD, { cost: 4 })).replace(/^\$2[aby]\$/, prefix);
        expect(legacy.startsWith(prefix)).toBe(true);
        const user = await insertUser(legacy);

        const res = await loginOk(server, user.email);
        expect(res.body.user.id).toBe(user.id);
        const upgraded = await server.runtime.deps.stores.users.findById(user.id);
        expect(upgraded?.passwordHash).toMatch(/^\$argon2id\$/);

        // The new hash works, and it is kept (no second rehash).
        await loginOk(server, user.email);
        const again = await server.runtime.deps.stores.users.findById(user.id);
        expect(again?.passwordHash).toBe(upgraded?.passwordHash);
      },
    );

    it("a wrong password against a bcrypt hash is 401 and leaves the hash alone", async () => {
      const legacy = await bcryptHash(PASSWORD, { cost: 4 });
      const user = await insertUser(legacy);
      expectError(
        await server.post("/auth/login", { email: user.email, password: "not it at all" }),
        401,
        "INVALID_CREDENTIALS",
      );
      expect((await server.runtime.deps.stores.users.findById(user.id))?.passwordHash).toBe(legacy);
    });

    it("a pending imported user is refused with 403 only after the bcrypt password is proven", async () => {
      const user = await insertUser(await bcryptHash(PASSWORD, { cost: 4 }), "pending");
      expectError(
        await server.post("/auth/login", { email: user.email, password: "nope nope" }),
        401,
        "INVALID_CREDENTIALS",
      );
      expectError(
        await server.post("/auth/login", { email: user.email, password: PASSWORD }),
        403,
        "EMAIL_NOT_VERIFIED",
      );
    });

    // Regression, fixed (was: src/domain/login.ts + src/crypto/password.ts): the presented password is NFKC-normalised
    // before bcrypt verify, but imported bcrypt hashes were made from the raw password. A legacy
    // user whose password changes under NFKC (full-width characters typed with a Japanese or
    // Chinese IME, ligatures, superscripts) can never sign in again.
    it("a bcrypt hash of a password that NFKC changes still signs in (imported full-width password)", async () => {
      const raw = "ｐａｓｓｗｏｒｄ１２３";
      expect(raw.normalize("NFKC")).not.toBe(raw);
      const user = await insertUser(await bcryptHash(raw, { cost: 4 }));
      const res = await server.post("/auth/login", { email: user.email, password: raw });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    });
  });
});

describeEachStore("POST /auth/login with COOKIE_SECURE=true", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store, env: { COOKIE_SECURE: "true" } });
  });
  afterAll(() => server?.close());

  it("marks both session cookies Secure, keeping their other flags", async () => {
    const { email } = await registerActive(server, "secure");
    const res = await loginOk(server, email);
    expectTokenBundle(res);
    expectSessionCookies(res, true);
  });
});
