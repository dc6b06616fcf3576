import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureBootstrapAdmin } from "../../src/domain/bootstrap.js";
import { type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.js";
import { describeEachStore } from "../helpers/stores.js";
import { freePort, startTestServer, type TestServer } from "../helpers/test-server.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  bootstrapAdminSession,
  call,
} from "./admin-support.js";

const PASSWORD = "outbox passphrase 3";
const METRICS_TOKEN = "outbox-metrics-token-0123456789abcdef";

/** Mail goes through the durable outbox: nothing is lost while the SMTP server is away. */
describeEachStore("mail outbox over HTTP", (store) => {
  let server: TestServer;
  let smtpPort: number;
  let smtp: SmtpCapture | undefined;

  beforeAll(async () => {
    // Nothing listens here yet: every delivery fails until the test starts a server.
    smtpPort = await freePort();
    server = await startTestServer({
      store,
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        REQUIRE_EMAIL_VERIFICATION: "false",
        MAIL_MAX_ATTEMPTS: "3",
        METRICS_TOKEN,
        BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
    });
    await ensureBootstrapAdmin(server.runtime.deps);
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const deliverDue = async () => {
    await server.runtime.background.flush();
    await server.runtime.mail.flush();
  };

  it("answers forgot-password 202 with the SMTP server down, and the mail arrives once it is back", async () => {
    const email = "outbox-down@example.com";
    expect((await server.post("/auth/register", { email, password: PASSWORD })).status).toBe(201);
    expect((await server.post("/auth/forgot-password", { email })).status).toBe(202);
    await deliverDue();
    const queued = await server.runtime.deps.stores.outbox.countByStatus();
    expect(queued.queued).toBeGreaterThanOrEqual(2);

    smtp = await startSmtpCapture({ port: smtpPort });
    // Past the first backoff (at most 2 s): the retry is due.
    server.clock.advance(3);
    await deliverDue();
    const reset = await smtp.waitForMail((m) => m.to.includes(email) && /reset/i.test(m.subject));
    expect(reset.text).toMatch(/\/password\/reset\/[A-Za-z0-9_-]{43}/);
    await smtp.waitForMail((m) => m.to.includes(email) && !/reset/i.test(m.subject));
    // Sent once each, however often the worker looked.
    await deliverDue();
    expect(smtp.mails.filter((m) => m.to.includes(email))).toHaveLength(2);
  });

  it("marks mail dead after MAIL_MAX_ATTEMPTS, counts it, lists it to admins without its body, and requeues it", async () => {
    await smtp?.close();
    smtp = undefined;
    const email = "outbox-dead@example.com";
    expect((await server.post("/auth/register", { email, password: PASSWORD })).status).toBe(201);
    for (let attempt = 0; attempt < 3; attempt++) {
      await deliverDue();
      server.clock.advance(11 * 60);
    }
    const admin = await bootstrapAdminSession(server);
    const dead = await call(server, "GET", "/admin/mail/dead", admin.accessToken);
    expect(dead.status).toBe(200);
    const entry = dead.body.mail.find((m: { to: string }) => m.to === email);
    expect(entry).toMatchObject({ attempts: 3, template: "verification-code" });
    expect(JSON.stringify(dead.body)).not.toMatch(/\b\d{6}\b.*code|text|html/);

    const metrics = await fetch(`${server.url}/metrics`, { headers: bearer(METRICS_TOKEN) });
    expect(await metrics.text()).toMatch(/^latchkey_mail_dead_total [1-9]/m);

    smtp = await startSmtpCapture({ port: smtpPort });
    const requeued = await call(
      server,
      "POST",
      `/admin/mail/${entry.id}/requeue`,
      admin.accessToken,
    );
    expect(requeued.status).toBe(202);
    expect(
      (await call(server, "POST", `/admin/mail/${entry.id}/requeue`, admin.accessToken)).status,
    ).toBe(404);
    await deliverDue();
    await smtp.waitForMail((m) => m.to.includes(email));
    const events = await server.runtime.deps.stores.audit.list({
      type: "admin.mail.requeued",
      limit: 5,
    });
    expect(events[0]).toMatchObject({ actorId: admin.id, details: { mailId: entry.id } });
  });

  it("queues mail in the transaction of its state: a refused sign-up queues nothing", async () => {
    const taken = "outbox-taken@example.com";
    expect(
      (
        await server.post("/auth/register", {
          email: taken,
          password: PASSWORD,
          username: "outbox_user",
        })
      ).status,
    ).toBe(201);
    // Totals, not states: the worker may be sending the first sign-up's mail meanwhile.
    const total = async () =>
      Object.values(await server.runtime.deps.stores.outbox.countByStatus()).reduce(
        (a, b) => a + b,
      );
    const before = await total();
    const clash = await server.post("/auth/register", {
      email: "outbox-other@example.com",
      password: PASSWORD,
      username: "OUTBOX_USER",
    });
    expect(clash.status).toBe(409);
    expect(await total()).toBe(before);
  });
});
