import { afterAll, beforeAll, expect, it } from "vitest";
import { retryDelayMs, startDeliveryWorker } from "../../src/mail/delivery-worker.js";
import type { MailTransport } from "../../src/mail/transport.js";
import { createSmtpTransport } from "../../src/mail/transports/smtp.js";
import { openDatabase } from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import type { OutboxStore, Stores } from "../../src/storage/ports.js";
import { createStores } from "../../src/storage/stores/index.js";
import { type SmtpCapture, startSmtpCapture } from "../helpers/smtp-capture.js";
import { describeEachStore, pgliteSnapshot } from "../helpers/stores.js";

const FROM = "Latchkey <no-reply@latchkey.test>";
const silent = { info: () => {}, error: () => {} };

describeEachStore("mail outbox delivery", (store) => {
  let stores: Stores;
  let outbox: OutboxStore;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let now = new Date("2030-01-01T00:00:00.000Z");
  const clock = () => now;
  let n = 0;
  const message = (tag: string) => ({
    to: `${tag}-${++n}@example.com`,
    template: "verification-code",
    subject: "Your code",
    text: "Your code is 123456",
    html: "<p>Your code is <b>123456</b></p>",
  });

  beforeAll(async () => {
    const made = store.target();
    const target = made.kind === "pglite" ? { ...made, snapshot: await pgliteSnapshot() } : made;
    const handle = await openDatabase(target);
    await migrateToLatest(handle.db);
    stores = createStores(handle.db);
    outbox = stores.outbox;
    smtp = await startSmtpCapture();
    close = async () => {
      await handle.close();
      await smtp.close();
      await store.cleanup(made);
    };
  });
  afterAll(() => close?.());

  function worker(transport: MailTransport, maxAttempts = 3, onDead = () => {}) {
    return startDeliveryWorker({
      store: outbox,
      transport,
      from: FROM,
      clock,
      log: silent,
      pollMs: 60_000,
      leaseMs: 30_000,
      maxAttempts,
      onDead,
      random: () => 1,
    });
  }

  it("sends a queued message once over SMTP and clears its body", async () => {
    const queued = message("sent");
    const id = await outbox.add(queued, now);
    const w = worker(createSmtpTransport(smtp.url));
    await w.flush();
    await w.flush();
    await w.stop();
    const delivered = smtp.mails.filter((m) => m.to.includes(queued.to));
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.text).toContain("123456");
    // The body carried a live code: once sent, only the facts stay.
    expect(await outbox.get(id)).toMatchObject({
      status: "sent",
      text: null,
      html: null,
      attempts: 1,
    });
  });

  it("retries with backoff while the server is down, then delivers; gives up after the last attempt", async () => {
    const down: MailTransport = {
      send: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      },
      close: async () => {},
    };
    const queued = message("retry");
    await outbox.add(queued, now);
    const failing = worker(down);
    await failing.flush();
    // Not due again until the backoff has passed: another flush sends nothing.
    await failing.flush();
    await failing.stop();
    expect(smtp.mails.some((m) => m.to.includes(queued.to))).toBe(false);

    now = new Date(now.getTime() + retryDelayMs(1, () => 1) + 1);
    const up = worker(createSmtpTransport(smtp.url));
    await up.flush();
    await up.stop();
    expect(smtp.mails.filter((m) => m.to.includes(queued.to))).toHaveLength(1);
  });

  it("marks a message dead after MAIL_MAX_ATTEMPTS, counts it, and requeues it on demand", async () => {
    const down: MailTransport = {
      send: async () => {
        throw new Error("550 mailbox unavailable");
      },
      close: async () => {},
    };
    let deaths = 0;
    const queued = message("dead");
    const id = await outbox.add(queued, now);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const w = worker(down, 2, () => deaths++);
      await w.flush();
      await w.stop();
      now = new Date(now.getTime() + 11 * 60 * 1000);
    }
    expect(deaths).toBe(1);
    const dead = await outbox.listDead(100);
    expect(dead.find((entry) => entry.id === id)).toMatchObject({
      status: "dead",
      attempts: 2,
      lastError: "550 mailbox unavailable",
    });

    expect(await outbox.requeue(id, now)).toBe(true);
    expect(await outbox.requeue(id, now)).toBe(false);
    const w = worker(createSmtpTransport(smtp.url));
    await w.flush();
    await w.stop();
    expect(smtp.mails.filter((m) => m.to.includes(queued.to))).toHaveLength(1);
  });

  it("a message whose worker died mid-send is reclaimed once its lease runs out, and sent once", async () => {
    const queued = message("lease");
    await outbox.add(queued, now);
    // A worker claims it and dies before sending: nothing marks it either way.
    const claimed = await outbox.claim(10, now, 30_000);
    expect(claimed.map((entry) => entry.to)).toContain(queued.to);
    const before = worker(createSmtpTransport(smtp.url));
    await before.flush();
    await before.stop();
    expect(smtp.mails.some((m) => m.to.includes(queued.to))).toBe(false);

    now = new Date(now.getTime() + 30_001);
    const after = worker(createSmtpTransport(smtp.url));
    await after.flush();
    await after.stop();
    expect(smtp.mails.filter((m) => m.to.includes(queued.to))).toHaveLength(1);
  });

  it("two workers draining at once never send the same message twice", async () => {
    const batch = Array.from({ length: 30 }, () => message("race"));
    for (const m of batch) await outbox.add(m, now);
    const a = worker(createSmtpTransport(smtp.url));
    const b = worker(createSmtpTransport(smtp.url));
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.stop(), b.stop()]);
    for (const m of batch) {
      expect(
        smtp.mails.filter((mail) => mail.to.includes(m.to)),
        m.to,
      ).toHaveLength(1);
    }
  });

  it("markSentMany marks each message sent at its own time and clears its body, and only those", async () => {
    const [first, second, untouched] = [message("many"), message("many"), message("many")];
    const ids = [
      await outbox.add(first, now),
      await outbox.add(second, now),
      await outbox.add(untouched, now),
    ];
    const [a, b, c] = ids as [string, string, string];
    const later = new Date(now.getTime() + 1_234);
    await outbox.markSentMany([
      { id: a, sentAt: now },
      { id: b, sentAt: later },
    ]);
    expect(await outbox.get(a)).toMatchObject({
      status: "sent",
      sentAt: now,
      text: null,
      html: null,
    });
    expect(await outbox.get(b)).toMatchObject({ status: "sent", sentAt: later, text: null });
    expect(await outbox.get(c)).toMatchObject({
      status: "queued",
      sentAt: null,
      text: untouched.text,
    });
    await expect(outbox.markSentMany([])).resolves.toBeUndefined();
  });
});

it("backs off exponentially with full jitter, from 2 s to at most 10 minutes", () => {
  expect(retryDelayMs(1, () => 1)).toBe(2_000);
  expect(retryDelayMs(3, () => 1)).toBe(8_000);
  expect(retryDelayMs(30, () => 1)).toBe(600_000);
  expect(retryDelayMs(3, () => 0)).toBe(500);
  expect(retryDelayMs(3, () => 0.5)).toBe(4_000);
});
