import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../src/storage/database.js";
import { migrateTo, migrateToLatest } from "../../src/storage/migrate.js";
import { createStores } from "../../src/storage/stores/index.js";
import { describeEachStore } from "../helpers/stores.js";

describeEachStore("migrations over a database an older version left", (store) => {
  let handle: DatabaseHandle;
  const made = store.target();
  beforeAll(async () => {
    handle = await openDatabase(made);
  });
  afterAll(async () => {
    await handle?.close();
    await store.cleanup(made);
  });

  it("0009 counts each user's confirmed second factors, of both methods, onto the user's row", async () => {
    const { db } = handle;
    await migrateTo(db, "0008-passkeys");
    const [ada, bob] = [randomUUID(), randomUUID()];
    for (const [id, email] of [
      [ada, "ada@example.test"],
      [bob, "bob@example.test"],
    ]) {
      await sql`insert into users (id, email, password_hash, status, role, created_at, updated_at)
        values (${id}, ${email}, 'h', 'active', 'user', now(), now())`.execute(db);
    }
    for (const confirmed of [true, true, false]) {
      await sql`insert into mfa_factors (id, user_id, type, secret_sealed, confirmed_at, created_at)
        values (${randomUUID()}, ${ada}, 'totp', 's', ${confirmed ? new Date() : null}, now())`.execute(
        db,
      );
    }
    await sql`insert into passkey_credentials
        (id, user_id, credential_id, public_key, counter, transports, device_type, backed_up, created_at)
      values (${randomUUID()}, ${bob}, 'cred', 'key', 0, '[]', 'singleDevice', false, now())`.execute(
      db,
    );
    expect((await migrateToLatest(db)).applied).toContain("0009-second-factor-count");
    const users = createStores(db).users;
    expect((await users.findById(ada))?.mfaEnabled).toBe(true);
    expect((await users.findById(bob))?.mfaEnabled).toBe(true);
    const { rows } = await sql<{
      n: number;
    }>`select second_factors as n from users where id = ${ada}`.execute(db);
    expect(rows[0]?.n).toBe(2);
  });

  it("0013 indexes the finished webhook deliveries by status and age, over a log an older version left", async () => {
    const { db } = handle;
    await migrateTo(db, "0012-users-search-trigrams");
    const endpoint = randomUUID();
    await sql`insert into webhook_endpoints (id, url, events, enabled, secret_sealed, created_at, updated_at)
      values (${endpoint}, 'https://hooks.example.test/', ${["*"]}, true, 's', now(), now())`.execute(
      db,
    );
    for (const status of ["pending", "delivered", "failed"]) {
      await sql`insert into webhook_deliveries
          (id, endpoint_id, event_type, payload, created_at, status, next_attempt_at, retry_from)
        values (${randomUUID()}, ${endpoint}, 'user.created', '{}', now() - interval '40 days',
          ${status}, now(), now())`.execute(db);
    }
    expect((await migrateToLatest(db)).applied).toContain("0013-webhook-deliveries-finished");
    const { rows } = await sql<{ definition: string }>`
      select indexdef as definition from pg_indexes
      where schemaname = current_schema() and indexname = 'webhook_deliveries_finished'`.execute(
      db,
    );
    expect(rows[0]?.definition).toMatch(/\(status, created_at\) WHERE/);
    const day = 24 * 3600 * 1000;
    const purged = await createStores(db).webhooks.purgeFinished(
      new Date(Date.now() - 7 * day),
      new Date(Date.now() - 30 * day),
      10,
    );
    // The delivered and the failed row; the pending one is never finished.
    expect(purged).toBe(2);
  });

  it("0014: a refresh token issued before tokens named their row still rotates once, and reuse is still found", async () => {
    const { db } = handle;
    await migrateTo(db, "0013-webhook-deliveries-finished");
    const user = randomUUID();
    const family = randomUUID();
    await sql`insert into users (id, email, password_hash, status, role, created_at, updated_at)
      values (${user}, 'carol@example.test', 'h', 'active', 'user', now(), now())`.execute(db);
    const legacy = { sessionId: null, tokenHash: "a".repeat(64) };
    await sql`insert into refresh_sessions (id, family_id, user_id, token_hash, family_started_at,
        created_at, expires_at, last_used_at)
      values (${randomUUID()}, ${family}, ${user}, ${legacy.tokenHash}, now(), now(),
        now() + interval '1 day', now())`.execute(db);
    expect((await migrateToLatest(db)).applied).toContain("0014-refresh-tokens-name-their-row");

    const sessions = createStores(db).sessions;
    const now = new Date();
    const replacement = (digit: number) => ({
      id: randomUUID(),
      tokenHash: String(digit).repeat(64),
      expiresAt: new Date(now.getTime() + 3600_000),
      userAgent: null,
      ip: null,
      now,
    });
    const next = replacement(1);
    expect((await sessions.rotate(legacy, next))?.familyId).toBe(family);
    expect(await sessions.rotate(legacy, replacement(2))).toBeNull();
    expect((await sessions.findByToken(legacy))?.replacedBy).toBe(next.id);
    // Its replacement names its row: found by id and hash, not by the hash alone.
    const named = { sessionId: next.id, tokenHash: next.tokenHash };
    expect((await sessions.findByToken(named))?.familyId).toBe(family);
    expect(await sessions.findByToken({ sessionId: null, tokenHash: next.tokenHash })).toBeNull();

    // Only rows written before 0014 are in the hash's index; the rest are found by id.
    const { rows } = await sql<{ definition: string }>`
      select indexdef as definition from pg_indexes
      where schemaname = current_schema() and tablename = 'refresh_sessions'
        and indexdef like '%(token_hash)%'`.execute(db);
    expect(rows.map((row) => row.definition)).toEqual([
      expect.stringMatching(
        /UNIQUE INDEX refresh_sessions_unnamed_token_hash .* WHERE \(NOT token_names_row\)/,
      ),
    ]);
    const { rows: flags } = await sql<{ named: boolean; n: number }>`
      select token_names_row as named, count(*)::int as n from refresh_sessions
      where family_id = ${family} group by 1 order by 1`.execute(db);
    expect(flags).toEqual([
      { named: false, n: 1 },
      { named: true, n: 1 },
    ]);
  });

  it("0012 indexes the user search by trigrams where pg_trgm can be made (PostgreSQL), and the search works either way", async () => {
    const { db } = handle;
    await migrateToLatest(db);
    const { rows } = await sql<{ name: string }>`
      select indexname as name from pg_indexes
      where schemaname = current_schema() and tablename = 'users' and indexname like 'users_search_%'
      order by 1`.execute(db);
    // PGlite does not load pg_trgm: the migration makes nothing there.
    expect(rows.map((row) => row.name)).toEqual(
      store.name === "PostgreSQL"
        ? ["users_search_email", "users_search_name", "users_search_username"]
        : [],
    );
    const users = createStores(db).users;
    await users.create({
      id: randomUUID(),
      email: "grace-hopper@example.test",
      name: "Grace Hopper",
      username: "amazing_grace",
      passwordHash: "h",
      status: "active",
      role: "user",
      emailVerifiedAt: null,
      now: new Date(),
    });
    for (const q of ["hopper@", "GRACE HOP", "zing_g"]) {
      const found = await users.list({ q, limit: 10 });
      expect(
        found.map((user) => user.email),
        q,
      ).toContain("grace-hopper@example.test");
    }
  });
});
