import { randomBytes } from "node:crypto";
import pg from "pg";
import { type ServerProcess, startMainProcess } from "../process/main-process.js";

export interface Cluster {
  instances: ServerProcess[];
  databaseUrl: string;
  /** Request helpers aimed at instance i. */
  post(i: number, path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(i: number, path: string, headers?: Record<string, string>): Promise<Reply>;
  stop(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the server sent.
  body: any;
}

/** A database of the cluster's own on the test PostgreSQL, dropped when it stops. */
export async function createDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lk_cluster_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/**
 * N real Latchkey processes (src/main.ts) on one PostgreSQL database and one Redis, as
 * behind a load balancer. The first starts alone so it runs the migrations; the rest
 * start together.
 */
export async function startCluster(size: number, env: Record<string, string>): Promise<Cluster> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is required");
  const database = await createDatabase(adminUrl);
  const common = {
    DATABASE_URL: database.url,
    // One key for every instance, as the README asks: each would otherwise make its own.
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
    COOKIE_SECURE: "false",
    ...env,
  };
  const instances: ServerProcess[] = [];
  try {
    instances.push(await startMainProcess({ ...common, LOG_LEVEL: "info" }));
    instances.push(
      ...(await Promise.all(
        Array.from({ length: size - 1 }, () => startMainProcess({ ...common, LOG_LEVEL: "info" })),
      )),
    );
  } catch (error) {
    for (const instance of instances) instance.child.kill("SIGKILL");
    await database.drop();
    throw error;
  }
  const request = async (
    i: number,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> => {
    const instance = instances[i];
    if (!instance) throw new Error(`no instance ${i}`);
    const response = await fetch(instance.url + path, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  return {
    instances,
    databaseUrl: database.url,
    post: (i, path, body, headers) => request(i, "POST", path, body, headers),
    get: (i, path, headers) => request(i, "GET", path, undefined, headers),
    async stop() {
      await Promise.all(
        instances.map(async (instance) => {
          if (instance.child.exitCode === null) instance.child.kill("SIGTERM");
          await instance.exited;
        }),
      );
      await database.drop();
    },
  };
}
