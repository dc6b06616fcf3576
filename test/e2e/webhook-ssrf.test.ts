import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureBootstrapAdmin } from "../../src/domain/bootstrap.js";
import { webhookPayload } from "../../src/domain/webhook-events.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, bootstrapAdminSession, call } from "./admin-support.js";

/** With WEBHOOK_ALLOW_PRIVATE off (the default), no webhook reaches the server's own network. */
describeEachStore("webhook URLs (SSRF)", (store) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let admin: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({
      store,
      env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD },
    });
    await ensureBootstrapAdmin(server.runtime.deps);
    admin = (await bootstrapAdminSession(server)).accessToken;
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it.each([
    ["http://127.0.0.1:9/hook", "loopback"],
    ["http://10.0.0.1/hook", "private"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://[fd00::1]/hook", "unique-local"],
    ["http://[::ffff:127.0.0.1]/hook", "loopback"],
    ["http://0.0.0.0/hook", "this network"],
    // A name is checked by what it resolves to.
    ["http://localhost:9/hook", "loopback"],
  ])("refuses %s when it is added (%s)", async (url, reason) => {
    const res = await call(server, "POST", "/admin/webhooks", admin, { url, events: ["*"] });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe("WEBHOOK_URL_REFUSED");
    expect(res.body.errors).toEqual([{ field: "url", message: expect.stringContaining(reason) }]);
  });

  it("refuses a private URL given in a change too", async () => {
    const made = await call(server, "POST", "/admin/webhooks", admin, {
      url: "https://203.0.113.10/hook",
      events: ["*"],
    });
    expect(made.status).toBe(201);
    const res = await call(server, "PATCH", `/admin/webhooks/${made.body.webhook.id}`, admin, {
      url: "http://192.168.0.10/hook",
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("WEBHOOK_URL_REFUSED");
    await call(server, "DELETE", `/admin/webhooks/${made.body.webhook.id}`, admin);
  });

  it("checks again at delivery: an endpoint already pointing at loopback gets nothing", async () => {
    // As if it was added while WEBHOOK_ALLOW_PRIVATE was on, or its name resolved elsewhere.
    const { deps } = server.runtime;
    const id = crypto.randomUUID();
    const now = server.clock();
    await deps.stores.webhooks.createEndpoint({
      id,
      url: `${receiver.url}/private`,
      events: ["*"],
      description: null,
      secretSealed: deps.secrets.seal(Buffer.from("whsec_AAAA"), `webhook-secret:${id}`),
      now,
    });
    await deps.stores.webhooks.addEvent(
      {
        type: "webhook.test",
        userId: null,
        payload: webhookPayload("webhook.test", now, {}),
        endpointId: id,
      },
      now,
    );
    await server.runtime.webhooks.flush();
    expect(receiver.received).toEqual([]);
    const [delivery] = await deps.stores.webhooks.listDeliveries(id, 10);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    expect(delivery?.lastError).toMatch(/^URL refused: resolves to a loopback address/);
  });
});
