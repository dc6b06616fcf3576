import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { type Cluster, startCluster } from "./cluster.js";

const PASSWORD = "webhook crash passphrase 6";
const ADMIN_EMAIL = "root@cluster.test";
const ADMIN_PASSWORD = "cluster admin passphrase 6";

/**
 * At least once across a crash: two instances deliver one webhook outbox while one is
 * SIGKILLed, some deliveries in its hands. Every sign-up's user.created must still reach the
 * receiver, verified, once the dead instance's leases run out.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("webhooks across a SIGKILL", () => {
  let cluster: Cluster;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    cluster = await startCluster(2, {
      REQUIRE_EMAIL_VERIFICATION: "false",
      RATE_LIMIT_ENABLED: "false",
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      WEBHOOK_ALLOW_PRIVATE: "true",
      // A killed instance's deliveries are due again MAIL_LEASE after the 10 s timeout.
      MAIL_LEASE: "2s",
      MAIL_POLL_INTERVAL: "1s",
    });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  }, 60_000);

  it("delivers every user.created at least once, verified", async () => {
    const login = await cluster.post(0, "/auth/login", {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    expect(login.status).toBe(200);
    const made = await cluster.post(
      0,
      "/admin/webhooks",
      { url: `${receiver.url}/cluster`, events: ["user.created"] },
      { authorization: `Bearer ${login.body.accessToken}` },
    );
    expect(made.status).toBe(201);
    receiver.expectSecret("/cluster", made.body.secret);
    // Until the kill the receiver answers nothing: whatever either instance has sent is still
    // in flight, so the instance that dies holds deliveries it never finished.
    receiver.answer("/cluster", ...Array<number | "hang">(10_000).fill("hang"));

    let killed = false;
    let hungAtKill: string[] = [];
    const killer = setTimeout(() => {
      killed = true;
      cluster.instances[1]?.child.kill("SIGKILL");
      hungAtKill = receiver.received.map((r) => r.id);
      receiver.clearAnswers("/cluster");
    }, 2_500);
    const emails: string[] = [];
    const deadline = Date.now() + 4_000;
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let round = 0; Date.now() < deadline; round++) {
          const email = `hook-${worker}-${round}-${process.pid}@cluster.test`;
          const to = killed ? 0 : round % 2;
          const res = await cluster
            .post(to, "/auth/register", { email, password: PASSWORD })
            .catch(() => ({ status: 0 }));
          if (res.status === 201) emails.push(email);
        }
      }),
    );
    clearTimeout(killer);
    expect(killed).toBe(true);
    expect(emails.length).toBeGreaterThan(5);

    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    const count = async (text: string) => Number((await db.query(text)).rows[0]?.n ?? -1);
    try {
      // Leases of the dead instance run out after 10 s + MAIL_LEASE; the survivor resends.
      let open = -1;
      for (let i = 0; i < 80 && open !== 0; i++) {
        open = await count(
          "select count(*)::int as n from webhook_deliveries where status <> 'delivered'",
        );
        if (open) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const invariants = {
        // Written with the user, in one transaction: no user without their event.
        usersWithoutTheirEvent: await count(`select count(*)::int as n from users u
          where u.role = 'user' and not exists (select 1 from webhook_deliveries d
          where d.user_id = u.id and d.event_type = 'user.created')`),
        notDelivered: open,
      };
      expect(invariants).toEqual({ usersWithoutTheirEvent: 0, notDelivered: 0 });
      const delivered = new Set(
        receiver.delivered("/cluster").map((event) => String(event.data.user?.email)),
      );
      const missing = emails.filter((email) => !delivered.has(email));
      expect(missing).toEqual([]);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      // Each delivery in flight at the kill was sent again (same webhook-id) and answered.
      expect(hungAtKill.length).toBeGreaterThan(0);
      const answered = new Set(receiver.received.filter((r) => r.answer === 204).map((r) => r.id));
      expect(hungAtKill.filter((id) => !answered.has(id))).toEqual([]);
    } finally {
      await db.end();
    }
  }, 120_000);
});
