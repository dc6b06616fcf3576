import { parseArgs } from "node:util";
import pg from "pg";
import { createPasswordHasher } from "../src/crypto/password.js";
import { openDatabase } from "../src/storage/database.js";
import { migrateToLatest } from "../src/storage/migrate.js";
import { databaseUrlOn } from "./database.js";
import { SEED_ENDPOINT, TABLE_PLANS } from "./scale-sql.js";
import { BENCH_PASSWORD } from "./seed.js";

const USAGE = `Usage: npm run bench:seed-scale -- --database-url URL [options]

Creates a database on that PostgreSQL server, migrates it and fills it: N users, 5N
refresh sessions (nine in ten long expired), 10N audit events, the verification codes,
sent mails and webhook deliveries that go with them; then VACUUM ANALYZE. Every user's
password is the bench's; see BENCHMARKS.md (Scale) for which users the bench signs in.

  --database-url URL   the PostgreSQL server (its database is only used to connect)
  --database NAME      the database to create (default latchkey_scale)
  --users N            users (default 1000000)
  --chunk N            rows per INSERT statement (default 500000)
  --replace            drop the database first if it exists
  --only LIST          fill only these tables (comma-separated) of an existing, migrated
                       database: a table the seeder learnt after that database was made`;

interface SeedOptions {
  serverUrl: string;
  database: string;
  users: number;
  chunk: number;
  replace: boolean;
  /** Unset: create the database and fill every table. */
  only: string[] | undefined;
}

function parse(argv: string[]): SeedOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      "database-url": { type: "string" },
      database: { type: "string" },
      users: { type: "string" },
      chunk: { type: "string" },
      replace: { type: "boolean" },
      only: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const serverUrl = values["database-url"];
  if (!serverUrl) throw new Error("--database-url is required");
  const database = values.database ?? "latchkey_scale";
  // It goes into CREATE DATABASE as an identifier.
  if (!/^[a-z_][a-z0-9_]*$/.test(database))
    throw new Error("--database: lower-case letters, digits, _");
  const count = (name: string, raw: string | undefined, fallback: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    serverUrl,
    database,
    users: count("users", values.users, 1_000_000),
    chunk: count("chunk", values.chunk, 500_000),
    replace: values.replace === true,
    only: values.only?.split(",").map((name) => name.trim()),
  };
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const started = performance.now();
  const log = (line: string) =>
    console.error(`seed-scale: ${((performance.now() - started) / 1000).toFixed(1)} s ${line}`);

  const url = databaseUrlOn(options.serverUrl, options.database);
  const plans = TABLE_PLANS.filter((plan) => !options.only || options.only.includes(plan.table));
  const unknown = options.only?.filter((name) => !TABLE_PLANS.some((plan) => plan.table === name));
  if (unknown?.length) throw new Error(`--only: no such table to fill: ${unknown.join(", ")}`);
  if (!options.only) {
    await createDatabase(options);
    const handle = await openDatabase({ kind: "postgres", url });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    log(`created and migrated ${options.database}`);
  }

  // The server's parameters, so a login costs what it costs on any account.
  const hasher = await createPasswordHasher({
    memoryKib: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
    iterations: Number(process.env.ARGON2_ITERATIONS ?? 2),
  });
  const passwordHash = await hasher.hash(BENCH_PASSWORD);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A seed that is lost in a crash is simply run again.
    await client.query("set synchronous_commit = off");
    await client.query("set maintenance_work_mem = '256MB'");
    const now = new Date();
    if (!options.only) await client.query(inline(client, SEED_ENDPOINT, [now.toISOString()]));
    for (const plan of plans) {
      const rows = options.users * plan.perUser;
      // Secondary indexes are built once at the end rather than updated row by row.
      const indexes = await droppableIndexes(client, plan.table);
      for (const index of indexes) await client.query(`drop index ${index.name}`);
      for (let from = 0; from < rows; from += options.chunk) {
        const to = Math.min(rows, from + options.chunk);
        const parameters = [now.toISOString(), options.users, from, to, passwordHash];
        await client.query(inline(client, plan.insert, parameters));
        log(`${plan.table}: ${to.toLocaleString("en")} of ${rows.toLocaleString("en")} generated`);
      }
      for (const index of indexes) await client.query(index.definition);
      if (indexes.length > 0) log(`${plan.table}: ${indexes.length} indexes rebuilt`);
    }
    // VACUUM sets the visibility map (index-only scans), ANALYZE the planner's statistics.
    await client.query("vacuum analyze");
    log("vacuum analyze done");
    const sizes = await client.query<{ table: string; rows: string; size: string }>(
      `select relname as table, n_live_tup::text as rows,
         pg_size_pretty(pg_total_relation_size(relid)) as size
       from pg_stat_user_tables where n_live_tup > 0 order by pg_total_relation_size(relid) desc`,
    );
    for (const row of sizes.rows) log(`${row.table}: ${row.rows} rows, ${row.size}`);
  } finally {
    await client.end();
  }
  log(`done: ${url.replace(/\/\/[^@/]*@/, "//")}`);
  return 0;
}

async function createDatabase(options: SeedOptions): Promise<void> {
  const admin = new pg.Client({ connectionString: options.serverUrl });
  await admin.connect();
  try {
    if (options.replace) {
      await admin.query(`drop database if exists ${options.database} with (force)`);
    }
    await admin.query(`create database ${options.database}`);
  } finally {
    await admin.end();
  }
}

/**
 * $n replaced by its value as a literal: the plans use some of the five each, and
 * PostgreSQL refuses a bound parameter a statement never mentions (or cannot type).
 */
function inline(client: pg.Client, statement: string, values: (string | number)[]): string {
  return statement.replace(/\$(\d+)/g, (_, n: string) => {
    const value = values[Number(n) - 1];
    if (value === undefined) throw new Error(`no value for $${n}`);
    return typeof value === "number" ? String(value) : client.escapeLiteral(value);
  });
}

/** Indexes that no constraint owns (a primary key or UNIQUE constraint cannot be dropped alone). */
async function droppableIndexes(
  client: pg.Client,
  table: string,
): Promise<{ name: string; definition: string }[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select i.indexname as name, i.indexdef as definition from pg_indexes i
     where i.schemaname = current_schema() and i.tablename = $1
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    [table],
  );
  return rows;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("seed-scale: failed:", error);
    process.exitCode = 1;
  },
);
