import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect } from "vitest";
import { type ServerProcess, startMainProcess } from "../process/main-process.js";

/**
 * Shared by the connection-drop fault tests (issue 13, item 1): a server process of its own on a
 * database of its own, and traffic of refresh loops and logins that records every status.
 */

export const postgresUrl = process.env.TEST_DATABASE_URL;

export function warnWithoutPostgres(what: string): void {
  if (!postgresUrl) console.warn(`TEST_DATABASE_URL not set: ${what} skipped`);
}

const PASSWORD = "a sturdy passphrase 1";
const USERS = 4;

/** A database created for one test file, so its backends can be found and terminated by name. */
export async function createDatabase(): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const admin = String(postgresUrl);
  const name = `lk_fault_${process.pid}_${randomBytes(3).toString("hex")}`;
  await adminQuery(admin, `create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await adminQuery(admin, `drop database if exists ${name} with (force)`);
    },
  };
}

export async function adminQuery(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

export async function startServerOn(databaseUrl: string): Promise<ServerProcess> {
  return startMainProcess({
    DATABASE_URL: databaseUrl,
    REQUIRE_EMAIL_VERIFICATION: "false",
    // The limiters stay on, so their own pool on PostgreSQL loses connections too; their
    // budgets are raised, since logins in a loop are what this test drives.
    RATE_LIMIT_LOGIN_IP: "100000/1m",
    RATE_LIMIT_REGISTER_IP: "1000/1m",
  });
}

/**
 * Rejects when the server process exits, with the end of its output: raced against each
 * step, so a crash fails the trial at once instead of timing it out. Never unhandled.
 */
export function failOnExit(server: ServerProcess): Promise<never> {
  const exited = server.exited.then((code): never => {
    throw new Error(`the server exited (${code}):\n${server.output().slice(-2_000)}`);
  });
  exited.catch(() => {});
  return exited;
}

export interface Traffic {
  /** Resolves once `count` more answers have arrived. */
  answers(count: number): Promise<void>;
  /** Stops the loops and returns every status seen. */
  stop(): Promise<number[]>;
}

async function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export async function registerUsers(base: string): Promise<void> {
  for (let i = 0; i < USERS; i++) {
    const response = await post(base, "/auth/register", {
      email: `drop${i}@example.com`,
      password: PASSWORD,
    });
    expect(response.status).toBe(201);
  }
}

/**
 * Each user runs a refresh loop; a 503 (or a transport error) sends it back to logging in, since
 * the rotation may or may not have committed when the connection died. One more loop only logs in.
 */
export function startTraffic(base: string): Traffic {
  const statuses: number[] = [];
  const waiters: { at: number; resolve: () => void }[] = [];
  let running = true;

  const record = (status: number) => {
    statuses.push(status);
    for (const waiter of waiters.splice(0)) {
      if (statuses.length >= waiter.at) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  // A transport error (the process gone) counts as status 0 and ends the loops.
  const send = async (path: string, body: unknown): Promise<string | undefined> => {
    try {
      const response = await post(base, path, body);
      record(response.status);
      if (response.status !== 200) return undefined;
      return ((await response.json()) as { refreshToken: string }).refreshToken;
    } catch {
      running = false;
      record(0);
      return undefined;
    }
  };
  const login = (i: number) =>
    send("/auth/login", { email: `drop${i}@example.com`, password: PASSWORD });
  const refreshLoop = async (i: number) => {
    let token: string | undefined;
    while (running) {
      if (!token) {
        token = await login(i);
        continue;
      }
      token = await send("/auth/refresh", { refreshToken: token });
    }
  };
  const loginLoop = async () => {
    while (running) await login(USERS - 1);
  };
  const loops = [...Array.from({ length: USERS - 1 }, (_, i) => refreshLoop(i)), loginLoop()];

  return {
    answers: (count) =>
      new Promise((resolve) => {
        const at = statuses.length + count;
        if (statuses.length >= at) resolve();
        else waiters.push({ at, resolve });
      }),
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return statuses;
    },
  };
}

/** The process still answers, and a login succeeds without a restart (a few tries while the pool refills). */
export async function expectRecovered(server: ServerProcess): Promise<void> {
  let status = 0;
  for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    status = (
      await post(server.url, "/auth/login", { email: "drop0@example.com", password: PASSWORD })
    ).status;
  }
  expect(status).toBe(200);
  expect(server.child.exitCode).toBeNull();
}

export function unexpected(statuses: readonly number[]): number[] {
  return statuses.filter((status) => !((status >= 200 && status < 300) || status === 503));
}
