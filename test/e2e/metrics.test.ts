import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pglite } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const TOKEN = "metrics-token-0123456789abcdef0123456789";

async function scrape(server: TestServer, token?: string): Promise<Response> {
  return fetch(
    `${server.url}/metrics`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
}

function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

describe("/metrics on the public port behind METRICS_TOKEN", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      store: pglite,
      env: { METRICS_TOKEN: TOKEN, REQUIRE_EMAIL_VERIFICATION: "false" },
    });
  });
  afterAll(() => server?.close());

  it("refuses a scrape without the token, in the envelope", async () => {
    const response = await scrape(server);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, code: "UNAUTHORIZED" });
    expect((await scrape(server, `${TOKEN}x`)).status).toBe(401);
  });

  it("counts requests by route pattern, logins by outcome and hash time", async () => {
    await server.post("/auth/register", { email: "m@example.com", password: "metrics passphrase" });
    await server.post("/auth/login", { email: "m@example.com", password: "metrics passphrase" });
    await server.post("/auth/login", { email: "m@example.com", password: "wrong passphrase!" });
    await server.post("/auth/reset-password/secret-looking-token", { password: "whatever pass 1" });
    const response = await scrape(server, TOKEN);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(sample(text, 'latchkey_logins_total{outcome="success"}')).toBe(1);
    expect(sample(text, 'latchkey_logins_total{outcome="failure"}')).toBe(1);
    expect(
      sample(text, 'http_requests_total{method="POST",route="/auth/login",status="401"}'),
    ).toBe(1);
    expect(text).toContain('route="/auth/reset-password/:token"');
    expect(text).not.toContain("secret-looking-token");
    expect(sample(text, 'latchkey_password_hash_duration_seconds_count{op="hash"}')).toBe(1);
    expect(text).toContain("latchkey_event_loop_lag_seconds");
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("is not in the OpenAPI document", async () => {
    const document = await server.get("/openapi.json");
    expect(Object.keys(document.body.paths)).not.toContain("/metrics");
  });
});

describe("/metrics without METRICS_TOKEN or METRICS_PORT", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: pglite });
  });
  afterAll(() => server?.close());

  it("is not served on the public port", async () => {
    expect((await scrape(server)).status).toBe(404);
  });
});
