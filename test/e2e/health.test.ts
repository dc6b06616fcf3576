import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { dropSchema } from "../../src/storage/drivers/postgres.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { expectError, PASSWORD, uniqueEmail } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describeEachStore("health and well-known routes", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it("GET /healthz: 200 {status: ok}", async () => {
    const res = await server.get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-request-id")).toMatch(UUID);
  });

  it("GET /readyz: 200 with the database check ok", async () => {
    const res = await server.get("/readyz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", checks: { database: "ok" } });
  });

  it("GET /.well-known/jwks.json: 200, cacheable by anyone for a short while", async () => {
    const res = await server.get("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
    expect(
      Number(/max-age=(\d+)/.exec(res.headers.get("cache-control") ?? "")?.[1]),
    ).toBeGreaterThan(0);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(typeof key.kid).toBe("string");
      expect(key.d).toBeUndefined();
    }
  });

  it("each response carries its own x-request-id", async () => {
    const ids = new Set<string | null>();
    for (let i = 0; i < 5; i++) ids.add((await server.get("/healthz")).headers.get("x-request-id"));
    expect(ids.size).toBe(5);
  });
});

describeEachStore("readiness when the database is gone", (store) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store });
  });
  afterAll(() => server?.close());

  it("GET /readyz answers 503 within 2 s once the database is closed; /healthz stays 200", async () => {
    expect((await server.get("/readyz")).status).toBe(200);
    await server.runtime.database.close();

    const started = Date.now();
    const res = await server.get("/readyz");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "unavailable", checks: { database: "unreachable" } });
    expect(JSON.stringify(res.body)).not.toMatch(/SELECT|select 1|pool|stack/i);

    expect((await server.get("/healthz")).status).toBe(200);
  });

  it("a route that needs the database answers a 5xx envelope with no internals", async () => {
    const res = await server.post("/auth/login", {
      email: uniqueEmail("down"),
      password: PASSWORD,
    });
    expect([500, 503]).toContain(res.status);
    expectError(res, res.status, res.status === 503 ? "UNAVAILABLE" : "INTERNAL");
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL;

describe.runIf(postgresUrl)("start-up on a shared PostgreSQL database", () => {
  const other = `lk_test_other_${process.pid}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  beforeAll(async () => {
    // Another schema of the same database that already holds Kysely's migration tables:
    // another service, or another Latchkey test run at the same moment.
    await client.connect();
    await client.query(`create schema "${other}"`);
    await client.query(
      `create table "${other}".kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`,
    );
    await client.query(
      `create table "${other}".kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`,
    );
  });
  afterAll(async () => {
    await dropSchema(postgresUrl!, other);
    await client.end();
  });

  // Regression: Kysely's Migrator, unless given migrationTableSchema, looks for its
  // kysely_migration / kysely_migration_lock tables in *every* schema; finding another
  // schema's, it skipped creating its own and start-up failed with `relation
  // "kysely_migration_lock" does not exist` (seen when two PostgreSQL suites ran at once).
  it("migrates its own schema when another schema has Kysely's tables", async () => {
    const schema = `lk_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const database = await openDatabase({ kind: "postgres", url: postgresUrl!, schema });
    try {
      const report = await migrateToLatest(database.db);
      expect(report.applied).toContain("0001-init");
      const users = await database.db.selectFrom("users").select("id").execute();
      expect(users).toEqual([]);
    } finally {
      await database.close();
      await dropSchema(postgresUrl!, schema);
    }
  });
});
