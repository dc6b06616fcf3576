import { randomUUID } from "node:crypto";
import { hash as bcrypt } from "@node-rs/bcrypt";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureBootstrapAdmin } from "../../src/domain/bootstrap.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  bootstrapAdminSession,
  createAccount,
  expectOk,
  type Session,
  signedInAccount,
} from "./admin-support.js";
import { enrolAuthenticator } from "./second-factor-support.js";
import { expectError, loginOk, PASSWORD, uniqueEmail } from "./support.js";

const METRICS_TOKEN = "stats-metrics-token-0123456789abcdef0123";

describeEachStore("GET /admin/stats and the account gauges", (store) => {
  let server: TestServer;
  let admin: Session;
  beforeAll(async () => {
    // A server of its own: the counts are exact only if no other suite adds users.
    server = await startTestServer({
      store,
      env: {
        BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        METRICS_TOKEN,
        // The webhook endpoint below is on 127.0.0.1, where nothing answers.
        WEBHOOK_ALLOW_PRIVATE: "true",
      },
    });
    expect(await ensureBootstrapAdmin(server.runtime.deps)).toBe("created");
    admin = await bootstrapAdminSession(server);
  });
  afterAll(() => server?.close());

  const stats = async () =>
    expectOk(await server.get("/admin/stats", bearer(admin.accessToken))).stats;

  async function scrape(): Promise<string> {
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  }

  const sample = (text: string, series: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it("counts users by status and role, legacy hashes and live sessions", async () => {
    await createAccount(server, { tag: "pending", status: "pending" });
    await createAccount(server, { tag: "blocked", status: "blocked" });
    await createAccount(server, { tag: "active" });
    // An imported user whose password is still the old system's bcrypt hash.
    const legacyEmail = uniqueEmail("legacy");
    const now = server.clock();
    await server.runtime.deps.stores.users.create({
      id: randomUUID(),
      email: legacyEmail,
      name: null,
      username: null,
      passwordHash: await bcrypt(PASSWORD, { cost: 4 }),
      status: "active",
      role: "user",
      emailVerifiedAt: now,
      now,
    });

    expect(await stats()).toEqual({
      users: {
        total: 5,
        byStatus: { pending: 1, active: 3, blocked: 1 },
        byRole: { user: 4, admin: 1 },
      },
      legacyPasswordHashes: 1,
      sessions: { live: 1 },
      mfa: { enabled: 0 },
    });
    let text = await scrape();
    expect(sample(text, 'latchkey_users{status="active",role="user"}')).toBe(2);
    expect(sample(text, 'latchkey_users{status="active",role="admin"}')).toBe(1);
    expect(sample(text, 'latchkey_users{status="blocked",role="admin"}')).toBe(0);
    expect(sample(text, "latchkey_legacy_password_hashes")).toBe(1);
    expect(sample(text, "latchkey_sessions_live")).toBe(1);

    // Signing in upgrades the legacy hash to argon2id and starts a session.
    await loginOk(server, legacyEmail);
    const after = await stats();
    expect(after.legacyPasswordHashes).toBe(0);
    expect(after.sessions.live).toBe(2);
    text = await scrape();
    expect(sample(text, "latchkey_legacy_password_hashes")).toBe(0);
    expect(sample(text, "latchkey_sessions_live")).toBe(2);
  });

  it("counts users with a second factor, and the webhook deliveries still waiting", async () => {
    let text = await scrape();
    expect(sample(text, "latchkey_users_with_mfa")).toBe(0);
    expect(sample(text, "latchkey_webhook_queue_depth")).toBe(0);
    expect(sample(text, "latchkey_webhook_oldest_pending_seconds")).toBe(0);

    // Port 9 (discard) has no listener here: the delivery stays pending, retried later.
    const endpoint = await server.post(
      "/admin/webhooks",
      { url: "http://127.0.0.1:9/hooks", events: ["mfa.enabled"] },
      bearer(admin.accessToken),
    );
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    const user = await signedInAccount(server, { tag: "mfa" });
    await enrolAuthenticator(server, user.accessToken);
    expect((await stats()).mfa).toEqual({ enabled: 1 });

    server.clock.advance(90);
    text = await scrape();
    expect(sample(text, "latchkey_users_with_mfa")).toBe(1);
    expect(sample(text, "latchkey_webhook_queue_depth")).toBe(1);
    expect(sample(text, "latchkey_webhook_oldest_pending_seconds")).toBeGreaterThanOrEqual(90);
  });

  it("is for admins only", async () => {
    expectError(await server.get("/admin/stats"), 401, "UNAUTHORIZED");
    const user = await signedInAccount(server, { tag: "nosy" });
    expectError(await server.get("/admin/stats", bearer(user.accessToken)), 403, "FORBIDDEN");
  });

  it("is in the OpenAPI document", async () => {
    const document = await server.get("/openapi.json");
    expect(document.body.paths["/admin/stats"]?.get).toBeDefined();
  });
});
