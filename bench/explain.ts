import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { buildApp } from "../src/app.js";
import { startRuntime } from "../src/composition/runtime.js";
import { METHOD_PURGES } from "../src/composition/sign-in-methods.js";
import { loadConfig } from "../src/config/load-config.js";
import { createLogger } from "../src/logging/logger.js";
import { codeAt } from "../src/methods/totp/totp.js";
import { openDatabase } from "../src/storage/database.js";
import { purgeExpired } from "../src/storage/purge.js";
import { createStores } from "../src/storage/stores/index.js";
import { startSmtpCapture } from "../test/helpers/smtp-capture.js";
import { seedMfa } from "./mfa-seed.js";
import {
  type CapturedQuery,
  captureQueries,
  installQueryCapture,
  isPlannable,
} from "./query-capture.js";
import { scaleEmail } from "./scale-sql.js";
import { BENCH_PASSWORD } from "./seed.js";

const USAGE = `Usage: npm run bench:explain -- --database-url URL

Runs each hot route once in process against that database (one filled by
npm run bench:seed-scale), records every statement it sends, and prints each one's
EXPLAIN (ANALYZE, BUFFERS), run again inside a transaction that is rolled back. The
purge-expired batch is recorded with a clock ten years back (so it deletes nothing) and
explained at the present time. Ends with the plans that read a table sequentially; exits 1
if one of them reads a table of 1,000 rows or more (on a table of a few pages the
planner rightly prefers reading it whole, so those are listed but do not fail).`;

/** Below this many rows (pg_class.reltuples) a table is a few pages: a Seq Scan is the right plan. */
const TINY_TABLE_ROWS = 1_000;

/** Two users bench:seed-scale made active: a user and an admin (scale-sql.ts). */
const USER = 11;
const ADMIN = 2;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

interface Route {
  name: string;
  queries: CapturedQuery[];
  /** Shift Date parameters by this much before explaining (the purge's). */
  shiftMs?: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { "database-url": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const url = values["database-url"];
  if (values.help || !url) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  installQueryCapture();
  const encryptionKey = randomBytes(32);
  const mfa = await seedMfa({
    target: { kind: "postgres", url },
    encryptionKey,
    hashParams: { memoryKib: 19_456, iterations: 2 },
    verifyCount: 1,
    confirmCount: 0,
  });
  const smtp = await startSmtpCapture();
  const config = loadConfig({
    DATABASE_URL: url,
    SMTP_URL: smtp.url,
    LOG_LEVEL: "warn",
    RATE_LIMIT_ENABLED: "false",
    REQUIRE_EMAIL_VERIFICATION: "false",
    ENCRYPTION_KEY: encryptionKey.toString("hex"),
  });
  const logger = createLogger(config);
  // The outbox workers' polls would land among a route's statements: an hour apart, none do.
  const runtime = await startRuntime(config, {
    logger,
    purgeIntervalMs: 0,
    mailPollMs: 3_600_000,
    webhookPollMs: 3_600_000,
  });
  const app = buildApp(config, runtime.deps, {
    ping: runtime.database.ping,
    logger,
    metrics: runtime.metrics,
  });
  const routes: Route[] = [];
  try {
    const call = async (
      name: string,
      method: "GET" | "POST",
      path: string,
      body?: unknown,
      token?: string,
    ) => {
      let answer: Record<string, unknown> = {};
      const queries = await captureQueries(async () => {
        const response = await app.inject({
          method,
          url: path,
          ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        if (response.statusCode >= 300) {
          throw new Error(`${name}: ${response.statusCode} ${response.body}`);
        }
        answer = response.json();
      });
      routes.push({ name, queries });
      return answer;
    };
    const login = (n: number) =>
      call(`login (scale-${n})`, "POST", "/auth/login", {
        email: scaleEmail(n),
        password: BENCH_PASSWORD,
      });
    const user = await login(USER);
    await call("me", "GET", "/auth/me", undefined, String(user.accessToken));
    await call("refresh", "POST", "/auth/refresh", { refreshToken: user.refreshToken });
    await call("register", "POST", "/auth/register", {
      email: `explain-${Date.now()}@bench.example.com`,
      password: BENCH_PASSWORD,
    });
    const item = mfa.verify[0];
    if (!item) throw new Error("no MFA challenge was seeded");
    await call("mfa verify", "POST", "/auth/mfa/verify", {
      mfaToken: item.mfaToken,
      method: "totp",
      code: codeAt(item.secret, new Date()),
    });
    const admin = String((await login(ADMIN)).accessToken);
    await call("admin users, first page", "GET", "/admin/users?limit=50", undefined, admin);
    await call(
      "admin users, q=scale-123456",
      "GET",
      "/admin/users?limit=50&q=scale-123456",
      undefined,
      admin,
    );
    routes.push({ name: "purge-expired", ...(await purgeStatements(url)) });
  } finally {
    await app.close();
    await runtime.close();
    await smtp.close();
  }
  return printPlans(url, routes);
}

async function purgeStatements(url: string): Promise<Omit<Route, "name">> {
  const handle = await openDatabase({ kind: "postgres", url });
  try {
    const stores = createStores(handle.db);
    const queries = await captureQueries(async () => {
      await purgeExpired(stores, new Date(Date.now() - TEN_YEARS_MS), {
        auditRetentionSeconds: 365 * 24 * 3600,
        methods: METHOD_PURGES,
      });
    });
    return { queries, shiftMs: TEN_YEARS_MS };
  } finally {
    await handle.close();
  }
}

async function printPlans(url: string, routes: Route[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sequential: string[] = [];
  const tiny: string[] = [];
  try {
    const rowsOf = await tableRows(client);
    for (const route of routes) {
      console.log(`\n## ${route.name}\n`);
      for (const query of route.queries.filter((q) => isPlannable(q.text))) {
        const values = query.values.map((value) =>
          value instanceof Date && route.shiftMs
            ? new Date(value.getTime() + route.shiftMs)
            : value,
        );
        const plan = await explain(client, query.text, values);
        console.log(`\`\`\`\n${query.text.replace(/\s+/g, " ").trim()}\n${plan}\n\`\`\`\n`);
        for (const [, table = ""] of plan.matchAll(/Seq Scan on (\w+)/g)) {
          const line = `${route.name}: ${table} (${rowsOf.get(table) ?? "?"} rows): ${query.text.slice(0, 100)}`;
          ((rowsOf.get(table) ?? Infinity) < TINY_TABLE_ROWS ? tiny : sequential).push(line);
        }
      }
    }
  } finally {
    await client.end();
  }
  if (tiny.length > 0) {
    console.log(
      `\nsequential scans of tables under ${TINY_TABLE_ROWS} rows (fine):\n  ${tiny.join("\n  ")}`,
    );
  }
  console.log(
    sequential.length === 0
      ? "\nno sequential scan of a larger table in any plan"
      : `\nsequential scans:\n  ${sequential.join("\n  ")}`,
  );
  return sequential.length === 0 ? 0 : 1;
}

/** The planner's row count of every table in the schema the connection uses. */
async function tableRows(client: pg.Client): Promise<Map<string, number>> {
  const { rows } = await client.query<{ relname: string; reltuples: number }>(
    `select c.relname, c.reltuples::float8 as reltuples
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = any (current_schemas(false))`,
  );
  // reltuples is -1 for a table never vacuumed or analyzed: count it as large, to be safe.
  return new Map(rows.map((row) => [row.relname, row.reltuples < 0 ? Infinity : row.reltuples]));
}

/**
 * ANALYZE runs the statement, so inside a transaction that is rolled back; an insert the
 * route already made clashes with itself there, and gets the plan without running it.
 */
async function explain(client: pg.Client, text: string, values: unknown[]): Promise<string> {
  const plan = async (options: string) => {
    await client.query("begin");
    try {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(
        `explain (${options}) ${text}`,
        values,
      );
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    } finally {
      await client.query("rollback");
    }
  };
  try {
    return await plan("analyze, buffers");
  } catch (error) {
    return `(not run: ${(error as Error).message})\n${await plan("costs")}`;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("explain: failed:", error);
    process.exitCode = 2;
  },
);
