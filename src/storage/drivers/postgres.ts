import { Kysely } from "kysely";
import pg from "pg";
import type { Database } from "../schema.js";
import { CurrentSchemaDialect } from "./current-schema-dialect.js";
import { type PreparedStatements, prepareStatements } from "./prepared-statements.js";

export type { PreparedStatements } from "./prepared-statements.js";

export interface PostgresOptions {
  url: string;
  /** Run in this schema (created if missing): how tests keep their runs apart. */
  schema?: string;
  maxConnections?: number;
  /** Absent: every statement is parsed and planned anew (see prepared-statements.ts). */
  preparedStatements?: PreparedStatements;
}

export interface PostgresHandle {
  db: Kysely<Database>;
  close(): Promise<void>;
}

export async function openPostgres(options: PostgresOptions): Promise<PostgresHandle> {
  if (options.schema) await createSchema(options.url, options.schema);
  const prepared = options.preparedStatements;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Fail fast rather than hang while the database is down: callers answer 503.
    connectionTimeoutMillis: 2_000,
    // A query that gets no answer (a stalled server, a half-open connection) fails too.
    query_timeout: 10_000,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // A client losing its connection (PostgreSQL restarting, pg_terminate_backend, a cut network)
  // emits 'error'; unheard, that event ends the process. The pool hears it for idle clients; a
  // checked-out client has no listener of its own, so every client gets one. Its query fails
  // anyway and answers 503 (unavailable.ts), and the pool drops the dead client on release.
  pool.on("error", ignore);
  pool.on("connect", (client) => {
    client.on("error", ignore);
    if (prepared) prepareStatements(client, prepared);
  });
  const db = new Kysely<Database>({ dialect: new CurrentSchemaDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

function ignore(): void {}

/** A one-off client whose lost connection fails its query rather than the process. */
function oneOffClient(url: string): pg.Client {
  const client = new pg.Client({ connectionString: url });
  client.on("error", ignore);
  return client;
}

async function createSchema(url: string, schema: string): Promise<void> {
  const client = oneOffClient(url);
  await client.connect();
  try {
    await client.query(`create schema if not exists ${quoteIdent(schema)}`);
  } finally {
    await client.end();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = oneOffClient(url);
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
