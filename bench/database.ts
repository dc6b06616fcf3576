import pg from "pg";
import { SCALE_EMAIL_DOMAIN } from "./scale-sql.js";

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
  return {
    url: databaseUrlOn(serverUrl, name),
    // FORCE (PostgreSQL 13+) ends the connections of a server that did not shut down cleanly.
    drop: () => admin(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrlOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A database filled beforehand (npm run bench:seed-scale), used as it is and kept: what
 * the run adds (its own accounts, sessions) stays, a few hundred rows among millions.
 */
export function existingBenchDatabase(url: string): BenchDatabase {
  return { url, drop: async () => {} };
}

/** The users bench:seed-scale wrote (not the ones earlier runs added). */
export async function countScaleUsers(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      "select count(*) as count from users where email like $1",
      [`%@${SCALE_EMAIL_DOMAIN}`],
    );
    return Number(rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
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
