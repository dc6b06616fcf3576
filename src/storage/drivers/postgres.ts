import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { preparedName } from "../prepared.js";
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
  // A client losing its connection (PostgreSQL restarting, pg_terminate_backend, a cut network)
  // emits 'error'; unheard, that event ends the process. The pool hears it for idle clients; a
  // checked-out client has no listener of its own, so every client gets one. Its query fails
  // anyway and answers 503 (unavailable.ts), and the pool drops the dead client on release.
  pool.on("error", ignore);
  pool.on("connect", (client) => {
    client.on("error", ignore);
    prepareMarkedStatements(client);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}

/**
 * Kysely sends every statement as `client.query(text, values)`. Texts marked with
 * prepared() go as named statements instead: node-postgres prepares each name once per
 * connection and then only binds and executes it.
 */
function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const [text, values] = args;
    const name = typeof text === "string" && args.length <= 2 ? preparedName(text) : undefined;
    return name ? query({ name, text, values }) : query(...args);
  }) as typeof client.query;
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
