import type { Redis } from "ioredis";
import pg from "pg";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis } from "rate-limiter-flexible";
import type { RateLimitRule } from "../config/config.js";

/** Where rate-limit counters live: one process, the shared PostgreSQL, or Redis. */
export type LimiterBackend =
  | { kind: "memory" }
  | { kind: "postgres"; url: string; schema?: string }
  | { kind: "redis"; url: string };

export interface LimiterFactory {
  /** One limiter per named rule; `name` is its key prefix, so names must be unique per store. */
  make(name: string, rule: RateLimitRule): RateLimiterAbstract;
  /** Ends the pool or the Redis connection. */
  close(): Promise<void>;
}

export interface LimiterFactoryOptions {
  /**
   * Told about store trouble (Redis connection errors, idle PostgreSQL clients dropping, failed
   * cleanup). Requests keep working meanwhile on the in-process insurance limiters.
   */
  onStoreError?: (error: Error) => void;
}

/** The one table every PostgreSQL limiter shares; keys carry the limiter's name as prefix. */
export const RATE_LIMIT_TABLE = "rate_limits";

// The library deletes expired rows itself, but from a timer per limiter (15 of them on one table)
// that outlives close(); one sweep per factory, stopped by close(), does the same job.
const SWEEP_INTERVAL_MS = 5 * 60_000;
// Rows are kept an hour past expiry, as the library does, so a slow clock on one instance
// cannot delete a counter another instance still reads as live.
const SWEEP_GRACE_MS = 60 * 60_000;
// Startup waits this long for Redis: a wrong REDIS_URL should stop the start, not degrade silently.
const REDIS_READY_TIMEOUT_MS = 5_000;

export async function createLimiterFactory(
  backend: LimiterBackend,
  options: LimiterFactoryOptions = {},
): Promise<LimiterFactory> {
  const report = options.onStoreError ?? (() => {});
  switch (backend.kind) {
    case "memory":
      return {
        make: (name, rule) => memoryLimiter(name, rule),
        close: async () => {},
      };
    case "postgres":
      return createPostgresFactory(backend.url, backend.schema, report);
    case "redis":
      return createRedisFactory(backend.url, report);
  }
}

function memoryLimiter(name: string, rule: RateLimitRule): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.duration });
}

async function createPostgresFactory(
  url: string,
  schema: string | undefined,
  report: (error: Error) => void,
): Promise<LimiterFactory> {
  const pool = new pg.Pool({
    connectionString: url,
    // Counters are one short statement each; a small pool of its own keeps a burst of limited
    // requests from starving the application's queries.
    max: 4,
    // Give up quickly while the database is down, so the insurance limiter answers instead.
    connectionTimeoutMillis: 2_000,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  // A client losing its connection must not crash the process: the pool hears idle clients,
  // and each client hears itself while checked out (an unheard 'error' event ends the process).
  pool.on("error", report);
  pool.on("connect", (client) => client.on("error", report));
  try {
    await createTable(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const sweep = setInterval(() => {
    pool
      .query(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE expire < $1`, [Date.now() - SWEEP_GRACE_MS])
      .catch(report);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  let closed = false;
  return {
    make: (name, rule) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: "pool",
        tableName: RATE_LIMIT_TABLE,
        // Created above, once: several limiters each creating it at once race in PostgreSQL.
        tableCreated: true,
        clearExpiredByTimeout: false,
        keyPrefix: name,
        points: rule.points,
        duration: rule.duration,
        insuranceLimiter: memoryLimiter(name, rule),
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      await pool.end();
    },
  };
}

/**
 * The table RateLimiterPostgres would create (same columns and types, which its queries rely
 * on), plus an index for the expiry sweep. Two instances starting together can still collide
 * inside CREATE TABLE IF NOT EXISTS, so the creation is serialised with an advisory lock.
 */
async function createTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
      `latchkey:${RATE_LIMIT_TABLE}`,
    ]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${RATE_LIMIT_TABLE} (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`,
    );
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${RATE_LIMIT_TABLE}_expire_idx ON ${RATE_LIMIT_TABLE} (expire)`,
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function createRedisFactory(
  url: string,
  report: (error: Error) => void,
): Promise<LimiterFactory> {
  // Imported here, not at the top: only a REDIS_URL needs it, and it costs heap otherwise.
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    // Without a queue, commands fail at once while Redis is away and the insurance limiter
    // answers; with one, every limited request would hang until Redis came back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  // ioredis prints unhandled connection errors itself; route them to the caller instead.
  client.on("error", report);
  try {
    await waitForReady(client);
  } catch (error) {
    client.disconnect();
    throw error;
  }

  let closed = false;
  return {
    make: (name, rule) =>
      new RateLimiterRedis({
        storeClient: client,
        // Namespaced, so a Redis shared with other applications never sees a bare "loginIp:…".
        keyPrefix: `latchkey:rl:${name}`,
        points: rule.points,
        duration: rule.duration,
        insuranceLimiter: memoryLimiter(name, rule),
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await client.quit();
      } catch {
        // Not connected: nothing to say goodbye to.
        client.disconnect();
      }
    },
  };
}

function waitForReady(client: Redis): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error) => {
      lastError = error;
    };
    const onReady = () => {
      clearTimeout(timer);
      client.off("error", onError);
      resolve();
    };
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      client.off("error", onError);
      const why = lastError ? `: ${lastError.message}` : "";
      reject(
        new Error(`Redis (REDIS_URL) was not ready within ${REDIS_READY_TIMEOUT_MS} ms${why}`),
      );
    }, REDIS_READY_TIMEOUT_MS);
    client.on("error", onError);
    client.once("ready", onReady);
  });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
