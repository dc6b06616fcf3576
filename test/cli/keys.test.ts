import { afterAll, beforeAll, expect, it } from "vitest";
import { KeyRing } from "../../src/crypto/key-ring.js";
import { createStores } from "../../src/storage/stores/index.js";
import {
  CLI_TIMEOUT,
  type CliDatabase,
  describeEachDatabase,
  inDatabase,
  runCli,
} from "./support.js";

const DAY = 86_400_000;

describeEachDatabase("CLI rotate-keys and purge-expired", (makeDatabase) => {
  let database: CliDatabase;
  // Short lifetimes, to see them in the retirement time.
  const cli = (args: string[]) =>
    runCli(args, { ...database.env, ACCESS_TOKEN_TTL: "60s", KEY_RELOAD_INTERVAL: "20s" });

  beforeAll(async () => {
    database = await makeDatabase();
  }, CLI_TIMEOUT);
  afterAll(() => database?.drop());

  it(
    "rotate-keys makes a new current key and keeps the old one published for TTL + reload + 5 minutes",
    async () => {
      const first = await cli(["rotate-keys"]);
      expect(first.code).toBe(0);
      const second = await cli(["rotate-keys"]);
      expect(second.code).toBe(0);
      const kid = second.stdout.trim();
      expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(second.stderr.trim()).toMatch(
        new RegExp(
          `^new signing key ${kid}; running servers sign with it within 20s; 1 previous key\\(s\\) stay in the JWKS until \\S+Z$`,
        ),
      );
      const started = Date.now();

      await inDatabase(database, async (db) => {
        const rows = await db
          .selectFrom("signing_keys")
          .selectAll()
          .orderBy("created_at")
          .execute();
        // The key made when the first rotation found none, that rotation's key, and this one.
        expect(rows).toHaveLength(3);
        const current = rows.find((row) => row.kid === kid);
        expect(current).toMatchObject({ retired_at: null, expires_at: null });
        const previous = rows.find((row) => row.kid === first.stdout.trim());
        expect(previous?.retired_at).not.toBeNull();
        // Retired now, published for ACCESS_TOKEN_TTL (60 s) + KEY_RELOAD_INTERVAL (20 s) + 300 s.
        const publishedFor =
          (previous?.expires_at?.getTime() ?? 0) - (previous?.retired_at?.getTime() ?? 0);
        expect(publishedFor).toBe(380_000);
        expect(previous?.expires_at?.getTime()).toBeGreaterThan(started);

        const ring = await KeyRing.load(createStores(db).keys, new Date());
        expect(ring.current().kid).toBe(kid);
        const published = ring.jwks().keys.map((key) => key.kid);
        expect(published).toContain(kid);
        expect(published).toContain(first.stdout.trim());
        expect(JSON.stringify(ring.jwks())).not.toContain('"d"');
      });
    },
    CLI_TIMEOUT,
  );

  it(
    "purge-expired deletes expired codes, sessions, keys and old audit events, and says how many",
    async () => {
      await inDatabase(database, async (db) => {
        const stores = createStores(db);
        const now = new Date();
        const past = new Date(now.getTime() - DAY);
        await stores.users.create({
          id: "5b6c7d8e-0000-4000-8000-000000000001",
          email: "purge@example.com",
          name: null,
          username: null,
          passwordHash: "x",
          status: "active",
          role: "user",
          emailVerifiedAt: now,
          now,
        });
        const userId = "5b6c7d8e-0000-4000-8000-000000000001";
        await stores.codes.put({
          userId,
          purpose: "email",
          kind: "code",
          secretHash: "h1",
          expiresAt: past,
          now: past,
        });
        await stores.codes.put({
          userId,
          purpose: "reset",
          kind: "link",
          secretHash: "h2",
          expiresAt: new Date(now.getTime() + DAY),
          now,
        });
        await stores.sessions.create({
          id: "5b6c7d8e-0000-4000-8000-0000000000a1",
          familyId: "5b6c7d8e-0000-4000-8000-0000000000a1",
          userId,
          tokenHash: "t1",
          familyStartedAt: past,
          expiresAt: past,
          userAgent: null,
          ip: null,
          now: past,
        });
        await stores.keys.insert({
          kid: "expired-key",
          alg: "EdDSA",
          publicJwk: { kty: "OKP" },
          privateJwk: { kty: "OKP" },
          createdAt: past,
          retiredAt: past,
          expiresAt: past,
        });
        await stores.audit.insert({
          id: "5b6c7d8e-0000-4000-8000-0000000000b1",
          occurredAt: new Date(now.getTime() - 100 * DAY),
          type: "login.success",
          outcome: "success",
          userId,
          actorId: null,
          ip: null,
          userAgent: null,
          details: {},
        });
      });

      const purge = await cli(["purge-expired"]);
      expect(purge.code).toBe(0);
      expect(purge.stdout.trim()).toBe(
        "purged 1 codes, 1 sessions, 1 keys, 1 audit events, 0 sent mails",
      );
      const again = await cli(["purge-expired"]);
      expect(again.stdout.trim()).toBe(
        "purged 0 codes, 0 sessions, 0 keys, 0 audit events, 0 sent mails",
      );
    },
    CLI_TIMEOUT,
  );
});
