import pg from "pg";

export interface BenchDatabase {
  /** The URL of the fresh database, for the server's DATABASE_URL. */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database on the given PostgreSQL server, so a run never measures (or damages)
 * existing data and every run starts from the same empty tables.
 */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `latchkey_bench_${Date.now()}_${process.pid}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE (PostgreSQL 13+) ends the connections of a server that did not shut down cleanly.
    drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
