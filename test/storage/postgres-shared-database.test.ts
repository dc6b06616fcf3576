import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/database.js";
import { dropSchema } from "../../src/storage/drivers/postgres.js";
import { migrateToLatest } from "../../src/storage/migrate.js";

const url = process.env.TEST_DATABASE_URL;
const schemaName = (tag: string) =>
  `lk_test_${tag}_${process.pid}_${randomBytes(4).toString("hex")}`;

/** Another tenant of the database: makes and drops schemas with tables as fast as it can. */
function churnSchemas(databaseUrl: string): { stop(): Promise<number> } {
  const client = new pg.Client({ connectionString: databaseUrl });
  let running = true;
  let dropped = 0;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const name = schemaName("churn");
      await client.query(`create schema "${name}"`);
      await client.query(`create table "${name}".t (id serial primary key, v text)`);
      await client.query(`drop schema "${name}" cascade`);
      dropped += 1;
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return dropped;
    },
  };
}

if (url) {
  describe("one PostgreSQL database shared with others", () => {
    it("migrates while another client drops its schemas, and sees only its own tables", async () => {
      const churn = churnSchemas(url);
      const schemas: string[] = [];
      try {
        for (let run = 0; run < 6; run++) {
          const schema = schemaName("shared");
          schemas.push(schema);
          const handle = await openDatabase({ kind: "postgres", url, schema });
          try {
            await migrateToLatest(handle.db);
            const tables = await handle.db.introspection.getTables();
            expect(tables.length).toBeGreaterThan(0);
            expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schema]));
            expect(tables.map((t) => t.name)).toContain("users");
          } finally {
            await handle.close();
          }
        }
      } finally {
        const dropped = await churn.stop();
        await Promise.all(schemas.map((s) => dropSchema(url, s)));
        expect(dropped).toBeGreaterThan(0);
      }
    });
  });
} else {
  console.warn("TEST_DATABASE_URL not set: shared-database test skipped");
  describe.skip("one PostgreSQL database shared with others", () => {
    it("needs TEST_DATABASE_URL", () => {});
  });
}
