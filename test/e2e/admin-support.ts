import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { ensureBootstrapAdmin } from "../../src/domain/bootstrap.js";
import type { UserRole, UserStatus } from "../../src/storage/schema.js";
import type { StoreUnderTest } from "../helpers/stores.js";
import { type JsonResponse, startTestServer, type TestServer } from "../helpers/test-server.js";
import { loginOk, PASSWORD, uniqueEmail } from "./support.js";

/** Shared steps of the admin API suites (test/e2e/admin*.test.ts). */

export const ADMIN_EMAIL = "root@latchkey.test";
export const ADMIN_PASSWORD = "bootstrap admin password";
export const APP_URL = "https://app.example.com";
export const RESET_LINK_PREFIX = `${APP_URL}/password/reset/`;

export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});

/** A server whose first admin came from BOOTSTRAP_ADMIN_*, as main.ts makes it at start. */
export async function startAdminServer(
  store: StoreUnderTest,
  env: Record<string, string> = {},
): Promise<TestServer> {
  const server = await startTestServer({
    store,
    env: {
      APP_URL,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...env,
    },
  });
  // The harness builds the app without main.ts, so the bootstrap step runs here.
  expect(await ensureBootstrapAdmin(server.runtime.deps)).toBe("created");
  return server;
}

export interface Account {
  id: string;
  email: string;
  password: string;
}

export interface Session extends Account {
  accessToken: string;
  refreshToken: string;
}

export interface AccountOptions {
  tag?: string;
  email?: string;
  role?: UserRole;
  status?: UserStatus;
  name?: string | null;
  username?: string | null;
  createdAt?: Date;
}

/** A user made straight in the store: fast, and any role or status the test needs. */
export async function createAccount(
  server: TestServer,
  options: AccountOptions = {},
): Promise<Account> {
  const { deps } = server.runtime;
  const email = options.email ?? uniqueEmail(options.tag ?? "user");
  const now = server.clock();
  const user = await deps.stores.users.create({
    id: randomUUID(),
    email,
    name: options.name ?? null,
    username: options.username ?? null,
    passwordHash: await deps.hasher.hash(PASSWORD),
    status: options.status ?? "active",
    role: options.role ?? "user",
    emailVerifiedAt: options.status === "pending" ? null : now,
    now,
    ...(options.createdAt ? { createdAt: options.createdAt } : {}),
  });
  return { id: user.id, email, password: PASSWORD };
}

export async function signIn(server: TestServer, account: Account): Promise<Session> {
  const res = await loginOk(server, account.email, account.password);
  return { ...account, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** An active user (or admin) with a live session. */
export async function signedInAccount(
  server: TestServer,
  options: AccountOptions = {},
): Promise<Session> {
  return signIn(server, await createAccount(server, options));
}

export async function bootstrapAdminSession(server: TestServer): Promise<Session> {
  const admin = await server.runtime.deps.stores.users.findByEmail(ADMIN_EMAIL);
  if (!admin) throw new Error("no bootstrap admin");
  return signIn(server, { id: admin.id, email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
}

/** Any method, JSON in and out: the harness has only get and post. */
export async function call(
  server: TestServer,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<JsonResponse> {
  const headers: Record<string, string> = token ? bearer(token) : {};
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(server.url + path, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

export const patchUser = (server: TestServer, token: string, id: string, body: unknown) =>
  call(server, "PATCH", `/admin/users/${id}`, token, body);

export const deleteUser = (server: TestServer, token: string, id: string) =>
  call(server, "DELETE", `/admin/users/${id}`, token);

export const refresh = (server: TestServer, refreshToken: string) =>
  server.post("/auth/refresh", { refreshToken });

export const me = (server: TestServer, accessToken: string) =>
  server.get("/auth/me", bearer(accessToken));

/** The request succeeded with the success envelope; its body is returned for further checks. */
export function expectOk(res: JsonResponse, status = 200) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.success).toBe(true);
  expect(typeof res.body.message).toBe("string");
  return res.body;
}
