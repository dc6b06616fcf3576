import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureBootstrapAdmin } from "../../../src/domain/bootstrap.js";
import { nthCodeTo, uniqueEmail } from "../../../test/e2e/support.js";
import { describeEachStore } from "../../../test/helpers/stores.js";
import {
  freePort,
  type JsonResponse,
  startTestServer,
  type TestServer,
} from "../../../test/helpers/test-server.js";

const EXAMPLE = join(import.meta.dirname, "..");
const API_AUDIENCE = "https://notes-api.example";
const ADMIN_EMAIL = "root@notes-api.example";
const ADMIN_PASSWORD = "bootstrap admin password";
const PASSWORD = "correct horse battery staple";

/** The example as its README starts it, `npm start`, pointed at a real Latchkey. */
async function startExample(latchkeyUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("npm", ["start"], {
    cwd: EXAMPLE,
    env: { ...process.env, LATCHKEY_URL: latchkeyUrl, API_AUDIENCE, PORT: String(port) },
    // Its own process group: npm, tsx and node all stop with it.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      output += String(chunk);
      if (output.includes("listening on")) resolve();
    });
    child.stderr?.on("data", (chunk) => {
      output += String(chunk);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

describeEachStore("examples/express-api against Latchkey", (store) => {
  let latchkey: TestServer;
  let api: { url: string; child: ChildProcess };
  beforeAll(async () => {
    const port = await freePort();
    latchkey = await startTestServer({
      store,
      port,
      env: {
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ACCESS_TOKEN_AUDIENCE: `http://127.0.0.1:${port}, ${API_AUDIENCE}`,
        BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
    });
    await ensureBootstrapAdmin(latchkey.runtime.deps);
    api = await startExample(latchkey.url);
  });
  afterAll(async () => {
    if (api?.child.pid) process.kill(-api.child.pid, "SIGTERM");
    await latchkey?.close();
  });

  const callApi = async (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<JsonResponse> => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(api.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };

  /** Sign-up, the mailed code, sign-in: over HTTP, on the old seeds' routes or Latchkey's. */
  async function signedInUser(routes: "latchkey" | "seed"): Promise<string> {
    const email = uniqueEmail(routes);
    const signUp = routes === "seed" ? "/register" : "/auth/register";
    const registered = await latchkey.post(signUp, { email, password: PASSWORD });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const code = await nthCodeTo(latchkey, email, 1);
    const verified =
      routes === "seed"
        ? await latchkey.post("/api/auth/verify-code", { id: registered.body.userId, code })
        : await latchkey.post("/auth/verify-email", { userId: registered.body.userId, code });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    const login = await latchkey.post(routes === "seed" ? "/login" : "/auth/login", {
      email,
      password: PASSWORD,
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    return login.body.accessToken;
  }

  it("a signed-in user adds, reads, edits and deletes their own notes", async () => {
    const token = await signedInUser("latchkey");
    expect((await callApi("GET", "/notes", token)).body.notes).toEqual([]);
    const added = await callApi("POST", "/notes", token, { title: "Groceries", body: "eggs" });
    expect(added.status).toBe(201);
    const id = added.body.note.id;
    expect((await callApi("GET", `/notes/${id}`, token)).body.note).toMatchObject({
      title: "Groceries",
    });
    const edited = await callApi("PATCH", `/notes/${id}`, token, {
      title: "Shopping",
      body: "milk",
    });
    expect(edited.body.note).toMatchObject({ title: "Shopping", body: "milk" });
    expect((await callApi("GET", "/notes", token)).body.notes).toHaveLength(1);
    expect((await callApi("DELETE", `/notes/${id}`, token)).status).toBe(200);
    expect((await callApi("GET", `/notes/${id}`, token)).status).toBe(404);
    expect((await callApi("POST", "/notes", token, { body: "no title" })).body.code).toBe(
      "VALIDATION_FAILED",
    );
    expect((await callApi("PATCH", `/notes/${id}`, token, { title: "Gone" })).status).toBe(404);
    const kept = (await callApi("POST", "/notes", token, { title: "Kept" })).body.note;
    expect((await callApi("PATCH", `/notes/${kept.id}`, token, { title: 7 })).status).toBe(400);
    const garbled = await fetch(`${api.url}/notes`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as { code: string }).code).toBe("INVALID_JSON");
  });

  it("keeps each user's notes apart; the seeds' own routes sign users in too", async () => {
    const alice = await signedInUser("latchkey");
    const bob = await signedInUser("seed");
    const note = (await callApi("POST", "/notes", alice, { title: "Alice's" })).body.note;
    expect((await callApi("GET", `/notes/${note.id}`, bob)).status).toBe(404);
    expect((await callApi("DELETE", `/notes/${note.id}`, bob)).status).toBe(404);
    expect((await callApi("GET", "/notes", bob)).body.notes).toEqual([]);
  });

  it("answers 401 in Latchkey's envelope without a token or with a bad one", async () => {
    const res = await callApi("GET", "/notes");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      success: false,
      code: "UNAUTHORIZED",
      message: "Authentication is required.",
    });
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="latchkey"');
    expect((await callApi("POST", "/notes", "not.a.token", { title: "x" })).status).toBe(401);
  });

  it("the admin route: 403 FORBIDDEN for a user, 200 for an admin", async () => {
    const user = await signedInUser("latchkey");
    await callApi("POST", "/notes", user, { title: "counted" });
    const refused = await callApi("GET", "/admin/notes", user);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("FORBIDDEN");
    const login = await latchkey.post("/auth/login", {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    const allowed = await callApi("GET", "/admin/notes", login.body.accessToken);
    expect(allowed.status).toBe(200);
    expect(allowed.body.users).toEqual(
      expect.arrayContaining([{ userId: expect.any(String), notes: 1 }]),
    );
  });
});
