import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureBootstrapAdmin } from "../../src/domain/bootstrap.js";
import { purgeExpired } from "../../src/storage/purge.js";
import { describeEachStore } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  startWebhookReceiver,
  verifiesWith,
  type WebhookReceiver,
} from "../helpers/webhook-receiver.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bootstrapAdminSession,
  call,
  createAccount,
  deleteUser,
  expectOk,
  patchUser,
  signedInAccount,
} from "./admin-support.js";
import { PASSWORD, uniqueEmail } from "./support.js";

/** Webhooks end to end: a real receiver verifies every delivery with `standardwebhooks`. */
describeEachStore("webhooks", (store) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let admin: string;
  let paths = 0;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    server = await startTestServer({
      store,
      env: {
        BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        // The receiver is on 127.0.0.1; the refusals are tested in webhook-ssrf.test.ts.
        WEBHOOK_ALLOW_PRIVATE: "true",
        WEBHOOK_RETRY_FOR: "30s",
        REQUIRE_EMAIL_VERIFICATION: "false",
      },
      // A receiver that does not answer fails after 2 s, not the contract's 10 s; not shorter, or a
      // loaded machine's own receiver would time out too.
      webhookTimeoutMs: 2_000,
    });
    await ensureBootstrapAdmin(server.runtime.deps);
    admin = (await bootstrapAdminSession(server)).accessToken;
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  /** A new endpoint on a path of its own, its secret given to the receiver. */
  const addEndpoint = async (events: string[] = ["*"]) => {
    const path = `/hook/${++paths}`;
    const res = await call(server, "POST", "/admin/webhooks", admin, {
      url: receiver.url + path,
      events,
    });
    const body = expectOk(res, 201);
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.expectSecret(path, body.secret);
    return { id: body.webhook.id as string, path, secret: body.secret as string };
  };
  const deliverDue = async () => {
    await server.runtime.background.flush();
    await server.runtime.webhooks.flush();
  };
  const deliveries = async (id: string) =>
    expectOk(await call(server, "GET", `/admin/webhooks/${id}/deliveries`, admin)).deliveries;

  it("delivers user.created after a sign-up, signed to the Standard Webhooks spec", async () => {
    const hook = await addEndpoint(["user.created"]);
    const email = uniqueEmail("hooked");
    const signedUp = await server.post("/auth/register", { email, password: PASSWORD });
    expect(signedUp.status).toBe(201);
    await deliverDue();
    const [event, ...more] = receiver.delivered(hook.path);
    expect(more).toEqual([]);
    expect(event?.type).toBe("user.created");
    expect(event?.data.user).toMatchObject({ email, status: "active", role: "user" });
    // Written in the statement that stores the user, from the record it was about to store.
    expect(event?.data.user).toEqual(signedUp.body.user);
    expect(Object.keys(event?.data.user ?? {})).not.toContain("passwordHash");
    const request = receiver.received.find((r) => r.path === hook.path);
    expect(request?.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const [logged] = await deliveries(hook.id);
    expect(logged).toMatchObject({
      id: request?.id,
      event: "user.created",
      status: "delivered",
      attempts: 1,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it("retries after 500s and after a timeout, with the same webhook-id, until delivered", async () => {
    // A test event goes to its endpoint whatever events the endpoint asked for.
    const hook = await addEndpoint(["user.updated"]);
    receiver.answer(hook.path, 500, "hang", 503);
    await expectOk(await call(server, "POST", `/admin/webhooks/${hook.id}/test`, admin), 202);
    await deliverDue();
    let [logged] = await deliveries(hook.id);
    expect(logged).toMatchObject({ status: "pending", attempts: 1, lastError: "answered 500" });
    expect(Date.parse(logged.nextAttemptAt)).toBeGreaterThan(server.clock().getTime());
    // Not due yet: nothing more is sent.
    await deliverDue();
    expect(receiver.received.filter((r) => r.path === hook.path)).toHaveLength(1);

    server.clock.advance(6); // past the first backoff (at most 5 s)
    await deliverDue(); // the receiver does not answer: the test server's timeout ends it
    [logged] = await deliveries(hook.id);
    expect(logged).toMatchObject({ status: "pending", attempts: 2 });
    expect(logged.lastError).toMatch(/no answer within/);
    server.clock.advance(11);
    await deliverDue();
    server.clock.advance(21);
    await deliverDue();
    [logged] = await deliveries(hook.id);
    expect(logged).toMatchObject({ status: "delivered", attempts: 4 });
    const sent = receiver.received.filter((r) => r.path === hook.path);
    expect(sent.map((r) => r.answer)).toEqual([500, "hang", 503, 204]);
    expect(new Set(sent.map((r) => r.id)).size).toBe(1);
    expect(sent.every((r) => r.verified)).toBe(true);
    expect(receiver.delivered(hook.path).map((e) => e.type)).toEqual(["webhook.test"]);
  });

  it("gives up after WEBHOOK_RETRY_FOR, and an admin's retry sends it again", async () => {
    const hook = await addEndpoint();
    receiver.answer(hook.path, 500, 500);
    await expectOk(await call(server, "POST", `/admin/webhooks/${hook.id}/test`, admin), 202);
    await deliverDue();
    server.clock.advance(31);
    await deliverDue();
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 2, nextAttemptAt: null });

    const retried = await call(
      server,
      "POST",
      `/admin/webhooks/${hook.id}/deliveries/${failed.id}/retry`,
      admin,
    );
    expectOk(retried, 202);
    await deliverDue();
    const [delivered] = await deliveries(hook.id);
    expect(delivered).toMatchObject({ id: failed.id, status: "delivered", attempts: 1 });
    const unknown = await call(
      server,
      "POST",
      `/admin/webhooks/${hook.id}/deliveries/${hook.id}/retry`,
      admin,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("WEBHOOK_NOT_FOUND");
  });

  it("disables an endpoint that answers 410 Gone, and sends it nothing more", async () => {
    const hook = await addEndpoint();
    receiver.answer(hook.path, 410);
    await expectOk(await call(server, "POST", `/admin/webhooks/${hook.id}/test`, admin), 202);
    await deliverDue();
    const { webhook } = expectOk(await call(server, "GET", `/admin/webhooks/${hook.id}`, admin));
    expect(webhook).toMatchObject({ enabled: false, disabledReason: "410 Gone" });
    const [logged] = await deliveries(hook.id);
    expect(logged).toMatchObject({ status: "failed", attempts: 1 });

    await createAccount(server); // no event: not created through the domain
    await expectOk(
      await call(server, "POST", "/auth/register", undefined, {
        email: uniqueEmail("after-gone"),
        password: PASSWORD,
      }),
      201,
    );
    await deliverDue();
    expect(receiver.received.filter((r) => r.path === hook.path)).toHaveLength(1);
    expect(await deliveries(hook.id)).toHaveLength(1);
  });

  it("signs with the new secret at once after a rotation", async () => {
    const hook = await addEndpoint();
    const rotated = expectOk(
      await call(server, "POST", `/admin/webhooks/${hook.id}/rotate-secret`, admin),
    );
    expect(rotated.secret).not.toBe(hook.secret);
    receiver.expectSecret(hook.path, rotated.secret);
    await expectOk(await call(server, "POST", `/admin/webhooks/${hook.id}/test`, admin), 202);
    await deliverDue();
    const [request] = receiver.received.filter((r) => r.path === hook.path);
    expect(request && verifiesWith(rotated.secret, request)).toBe(true);
    expect(request && verifiesWith(hook.secret, request)).toBe(false);
  });

  it("delivers one user's events in order: a later one waits for the earlier", async () => {
    const hook = await addEndpoint(["user.blocked", "user.unblocked", "user.deleted"]);
    const user = await createAccount(server);
    receiver.answer(hook.path, 500);
    expectOk(await patchUser(server, admin, user.id, { status: "blocked" }));
    expectOk(await patchUser(server, admin, user.id, { status: "active" }));
    expectOk(await deleteUser(server, admin, user.id));
    await deliverDue();
    // The first failed: the two after it wait, though they are due.
    expect(receiver.received.filter((r) => r.path === hook.path)).toHaveLength(1);
    server.clock.advance(6);
    await deliverDue();
    expect(receiver.delivered(hook.path).map((e) => e.type)).toEqual([
      "user.blocked",
      "user.unblocked",
      "user.deleted",
    ]);
    expect(receiver.delivered(hook.path).map((e) => e.data.user?.id)).toEqual([
      user.id,
      user.id,
      user.id,
    ]);
  });

  it("delivers password.changed after a change of password", async () => {
    const hook = await addEndpoint(["password.changed"]);
    const user = await signedInAccount(server);
    const changed = await server.post(
      "/auth/change-password",
      { currentPassword: user.password, newPassword: "a brand new passphrase 9" },
      { authorization: `Bearer ${user.accessToken}` },
    );
    expect(changed.status).toBe(200);
    await deliverDue();
    const [event] = receiver.delivered(hook.path);
    expect(event).toMatchObject({ type: "password.changed", data: { user: { id: user.id } } });
  });

  it("manages endpoints: list, change, remove, and refuses what the contract does not name", async () => {
    const hook = await addEndpoint(["user.created"]);
    const listed = expectOk(await call(server, "GET", "/admin/webhooks", admin));
    expect(listed.webhooks.map((w: { id: string }) => w.id)).toContain(hook.id);
    expect(JSON.stringify(listed)).not.toMatch(/whsec_|secret_sealed|secretSealed/);
    const patched = expectOk(
      await call(server, "PATCH", `/admin/webhooks/${hook.id}`, admin, {
        events: ["user.deleted"],
        enabled: false,
        description: "paused",
      }),
    );
    expect(patched.webhook).toMatchObject({
      events: ["user.deleted"],
      enabled: false,
      description: "paused",
    });
    const unknownEvent = await call(server, "POST", "/admin/webhooks", admin, {
      url: `${receiver.url}/x`,
      events: ["user.exploded"],
    });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.code).toBe("VALIDATION_FAILED");
    expectOk(await call(server, "DELETE", `/admin/webhooks/${hook.id}`, admin));
    const gone = await call(server, "GET", `/admin/webhooks/${hook.id}`, admin);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe("WEBHOOK_NOT_FOUND");
    const user = await signedInAccount(server);
    const refused = await call(server, "GET", "/admin/webhooks", user.accessToken);
    expect(refused.status).toBe(403);
    const audit = expectOk(
      await call(server, "GET", "/admin/audit-events?type=admin.webhook.deleted", admin),
    );
    expect(audit.events[0]?.details).toMatchObject({ webhookId: hook.id });
  });

  // Last: it ages every delivery the tests above made.
  it("purges delivered deliveries after a week, failed ones after a month", async () => {
    const { stores } = server.runtime.deps;
    const hook = await addEndpoint();
    receiver.answer(hook.path, 410);
    await expectOk(await call(server, "POST", `/admin/webhooks/${hook.id}/test`, admin), 202);
    await deliverDue();
    const day = 24 * 60 * 60 * 1000;
    const inEightDays = new Date(server.clock().getTime() + 8 * day);
    const report = await purgeExpired(stores, inEightDays);
    expect(report.webhooks).toBeGreaterThan(0);
    expect(await deliveries(hook.id)).toMatchObject([{ status: "failed" }]);
    // Read from the store: this purge also ends the admin's session, 30 days on.
    await purgeExpired(stores, new Date(inEightDays.getTime() + 30 * day));
    expect(await stores.webhooks.listDeliveries(hook.id, 10)).toEqual([]);
  });
});
