import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "../schema.js";

export interface PostgresOptions {
  url: string;
  /** Run in this schema (created if missing): how tests keep their runs apart. */
  schema?: string;
  maxConnections?: number;
}

export interface PostgresHandle {
  db: Kysely<Database>;
  close(): Promise<void>;
}

export async function openPostgres(options: PostgresOptions): Promise<PostgresHandle> {
  if (options.schema) await createSchema(options.url, options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Fail fast rather than hang while the database is down: callers answer 503.
    connectionTimeoutMillis: 2_000,
    // A query that gets no answer (a stalled server, a half-open connection) fails too.
    query_timeout: 10_000,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client losing its connection must not crash the process.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists ${quoteIdent(schema)}`);
  } finally {
    await client.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${quoteIdent(schema)} cascade`);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
