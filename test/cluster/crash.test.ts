import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.js";
import { type Cluster, startCluster } from "./cluster.js";

const PASSWORD = "crash passphrase 5";
const redisUrl = process.env.TEST_REDIS_URL;

/**
 * A load run with one instance SIGKILLed in the middle, then the database is checked
 * against invariants: whatever was cut short, nothing is half-done.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL || !redisUrl)("SIGKILL during a load run", () => {
  let cluster: Cluster;
  let smtp: SmtpCapture;
  const outcomes = { registered: 0, refreshed: 0, resets: 0, doubleResets: 0, refused: 0 };

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    cluster = await startCluster(2, {
      SMTP_URL: smtp.url,
      REDIS_URL: redisUrl ?? "",
      REQUIRE_EMAIL_VERIFICATION: "false",
      RATE_LIMIT_ENABLED: "false",
      MAIL_LEASE: "3s",
      MAIL_POLL_INTERVAL: "1s",
      RESEND_COOLDOWN: "0",
    });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await smtp?.close();
  }, 60_000);

  /** One user's life: sign up, refresh a few times, forget and reset (twice at once). */
  async function journey(worker: number, round: number, alive: () => number[]): Promise<void> {
    const pick = () => {
      const up = alive();
      return up[(worker + round) % up.length] ?? 0;
    };
    const email = `crash-${worker}-${round}-${process.pid}@cluster.test`;
    const registered = await cluster.post(pick(), "/auth/register", { email, password: PASSWORD });
    if (registered.status !== 201) return;
    outcomes.registered++;
    let refreshToken: string = registered.body.refreshToken;
    for (let i = 0; i < 3; i++) {
      const next = await cluster.post(pick(), "/auth/refresh", { refreshToken });
      if (next.status !== 200) return;
      outcomes.refreshed++;
      refreshToken = next.body.refreshToken;
    }
    if ((await cluster.post(pick(), "/auth/forgot-password", { email })).status !== 202) return;
    const mail = await smtp.waitForMail(
      (m) => m.to.includes(email) && /reset/i.test(m.subject),
      20_000,
    );
    const token = /\/password\/reset\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    if (!token) return;
    const both = await Promise.all(
      [0, 1].map(() =>
        cluster
          .post(pick(), "/auth/reset-password", { token, password: `${PASSWORD} new` })
          .catch(() => ({ status: 0 })),
      ),
    );
    const wins = both.filter((r) => r.status === 200).length;
    outcomes.resets += wins;
    if (wins > 1) outcomes.doubleResets++;
  }

  it("keeps every invariant", async () => {
    let killed = false;
    const alive = () => (killed ? [0] : [0, 1]);
    const deadline = Date.now() + 8_000;
    const killer = setTimeout(() => {
      killed = true;
      cluster.instances[1]?.child.kill("SIGKILL");
    }, 3_000);
    await Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        for (let round = 0; Date.now() < deadline; round++) {
          await journey(worker, round, alive).catch(() => {
            outcomes.refused++;
          });
        }
      }),
    );
    clearTimeout(killer);
    expect(killed).toBe(true);
    expect(outcomes.registered).toBeGreaterThan(5);

    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    const count = async (text: string) => Number((await db.query(text)).rows[0]?.n ?? -1);
    try {
      // Outbox rows the dead instance held come back when their 3 s lease runs out.
      let unsent = -1;
      for (let i = 0; i < 40 && unsent !== 0; i++) {
        unsent = await count("select count(*)::int as n from mail_outbox where status <> 'sent'");
        if (unsent) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const invariants = {
        // No user half-written: every account has the verification mail its sign-up queued.
        usersWithoutTheirMail: await count(`select count(*)::int as n from users u where not exists
          (select 1 from mail_outbox m where m.to_address = u.email and m.template = 'verification-code')`),
        // No refresh family with two live tokens.
        familiesWithTwoLiveTokens: await count(`select count(*)::int as n from (select family_id
          from refresh_sessions where revoked_at is null group by family_id having count(*) > 1) f`),
        // No reset secret still live after a reset it could have made.
        resetSecretsLiveAfterAReset:
          await count(`select count(*)::int as n from verification_codes c
          join audit_events a on a.user_id = c.user_id and a.type = 'password.reset'
          and a.occurred_at >= c.created_at where c.purpose = 'reset'`),
        // Every mail sent or still queued; none lost, none dead.
        mailNotSent: unsent,
        deadMail: await count("select count(*)::int as n from mail_outbox where status = 'dead'"),
      };
      const sentRows = await count(
        "select count(*)::int as n from mail_outbox where status = 'sent'",
      );
      const delivered = smtp.mails.length;
      console.log(JSON.stringify({ outcomes, invariants, sentRows, delivered }));
      expect(invariants).toEqual({
        usersWithoutTheirMail: 0,
        familiesWithTwoLiveTokens: 0,
        resetSecretsLiveAfterAReset: 0,
        mailNotSent: 0,
        deadMail: 0,
      });
      expect(outcomes.doubleResets).toBe(0);
      // At least once: every sent row reached the SMTP server.
      expect(delivered).toBeGreaterThanOrEqual(sentRows);
    } finally {
      await db.end();
    }
  }, 120_000);
});
