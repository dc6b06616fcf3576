import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { uniqueEmail } from "./support.js";

// A server starts in about 2 s, but far slower on a loaded machine (PGlite compiles its WASM).
const START_TIMEOUT_MS = 90_000;

/**
 * The client IP behind a proxy (issue 13 item 8). A proxy appends the address it saw to
 * X-Forwarded-For; whatever stands left of that came from the client and is forged at will.
 * The test client plays the last proxy: its socket is 127.0.0.1.
 */
async function seenIp(server: TestServer, forwardedFor: string): Promise<string | null> {
  const userAgent = `client-ip/${randomBytes(4).toString("hex")}`;
  const res = await server.post(
    "/auth/login",
    { email: uniqueEmail("client-ip"), password: "not the password" },
    { "x-forwarded-for": forwardedFor, "user-agent": userAgent },
  );
  expect(res.status).toBe(401);
  const events = await server.runtime.deps.stores.audit.list({ type: "login.failure", limit: 500 });
  const event = events.find((e) => e.userAgent === userAgent);
  expect(event, "the failed login's audit event").toBeDefined();
  return event?.ip ?? null;
}

describe("TRUST_PROXY as a hop count", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { TRUST_PROXY: "1" } });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  it("takes the address the one proxy appended, not the client's own claim", async () => {
    expect(await seenIp(server, "203.0.113.9, 198.51.100.7")).toBe("198.51.100.7");
    expect(await seenIp(server, "203.0.113.10, 198.51.100.7")).toBe("198.51.100.7");
    expect(await seenIp(server, "198.51.100.8")).toBe("198.51.100.8");
  });

  it("does not warn: a hop count is safe", () => {
    expect(server.logs.join("")).not.toMatch(/TRUST_PROXY=true/);
  });
});

describe("TRUST_PROXY as the proxies' addresses", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { TRUST_PROXY: "127.0.0.1/32, 10.0.0.0/8" },
    });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  it("skips every trusted proxy and takes the first address none of them is", async () => {
    expect(await seenIp(server, "203.0.113.9, 198.51.100.7, 10.1.2.3")).toBe("198.51.100.7");
    expect(await seenIp(server, "10.9.9.9, 198.51.100.9, 10.1.2.3")).toBe("198.51.100.9");
  });
});

describe("TRUST_PROXY=true", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite, env: { TRUST_PROXY: "true" } });
  }, START_TIMEOUT_MS);
  afterAll(() => server?.close());

  it("trusts every hop, so the operator is warned at start", async () => {
    expect(await seenIp(server, "203.0.113.9, 198.51.100.7")).toBe("203.0.113.9");
    const warning = server.logs.find((line) => line.includes("TRUST_PROXY=true"));
    expect(warning, server.logs.join("")).toBeDefined();
    expect(JSON.parse(warning ?? "{}")).toMatchObject({ level: expect.anything() });
    expect(warning).toMatch(/overwrite/);
  });
});
