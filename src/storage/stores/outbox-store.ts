import { type Kysely, sql } from "kysely";
import { randomId } from "../../crypto/random.js";
import type { OutboxEntry, OutboxMessage, OutboxStore, SentMail } from "../ports.js";
import type { Database, MailOutboxRow, OutboxStatus } from "../schema.js";
import { firstRows } from "./first-rows.js";

export function createOutboxStore(db: Kysely<Database>): OutboxStore {
  return {
    async add(message, now) {
      const id = randomId();
      await insertMail(db, message, now, id).execute();
      return id;
    },

    async claim(limit, now, leaseMs) {
      const leaseUntil = new Date(now.getTime() + leaseMs);
      // One statement: pick due rows, skipping any another worker holds, and lease them.
      const rows = await db
        .updateTable("mail_outbox")
        .set((eb) => ({
          status: "sending",
          lease_until: leaseUntil,
          attempts: eb("attempts", "+", 1),
        }))
        .where("id", "in", (eb) =>
          eb
            .selectFrom("mail_outbox")
            .select("id")
            .where((w) =>
              w.or([
                w.and([w("status", "=", "queued"), w("next_attempt_at", "<=", now)]),
                w.and([w("status", "=", "sending"), w("lease_until", "<=", now)]),
              ]),
            )
            .orderBy("next_attempt_at")
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
      return rows.map(toEntry);
    },

    markSent: (id, now) => markSentMany(db, [{ id, sentAt: now }]),
    markSentMany: (sent) => markSentMany(db, sent),

    async markFailed(id, error, retryAt) {
      await db
        .updateTable("mail_outbox")
        .set(
          retryAt
            ? { status: "queued", next_attempt_at: retryAt, lease_until: null, last_error: error }
            : { status: "dead", lease_until: null, last_error: error },
        )
        .where("id", "=", id)
        .execute();
    },

    async get(id) {
      const row = await db
        .selectFrom("mail_outbox")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? toEntry(row) : null;
    },

    async listDead(limit) {
      const rows = await db
        .selectFrom("mail_outbox")
        .selectAll()
        .where("status", "=", "dead")
        .orderBy("created_at", "desc")
        .limit(limit)
        .execute();
      return rows.map(toEntry);
    },

    async requeue(id, now) {
      const result = await db
        .updateTable("mail_outbox")
        .set({ status: "queued", attempts: 0, next_attempt_at: now, last_error: null })
        .where("id", "=", id)
        .where("status", "=", "dead")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async countByStatus() {
      const rows = await db
        .selectFrom("mail_outbox")
        .select(["status", sql<number>`count(*)::int`.as("count")])
        .groupBy("status")
        .execute();
      const counts: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, dead: 0 };
      for (const row of rows) counts[row.status] = Number(row.count);
      return counts;
    },

    async purgeSent(cutoff, limit) {
      const sent = db
        .selectFrom("mail_outbox")
        .where("status", "=", "sent")
        .where("sent_at", "<", cutoff)
        // mail_outbox_status (status, created_at); a mail is sent soon after it is queued.
        .orderBy("created_at");
      const result = await db
        .deleteFrom("mail_outbox")
        .where("status", "=", "sent")
        .where("sent_at", "<", cutoff)
        .where(firstRows(sent, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** The INSERT of a queued mail: OutboxStore.add's, and a part of larger statements. */
export function insertMail(
  db: Kysely<Database>,
  message: OutboxMessage,
  now: Date,
  id: string = randomId(),
) {
  return db.insertInto("mail_outbox").values({
    id,
    created_at: now,
    to_address: message.to,
    template: message.template,
    subject: message.subject,
    text_body: message.text,
    html_body: message.html,
    status: "queued",
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    last_error: null,
    sent_at: null,
  });
}

async function markSentMany(db: Kysely<Database>, sent: readonly SentMail[]): Promise<void> {
  if (sent.length === 0) return;
  // The bodies carry live codes and links: once the mail server has them, only the facts stay.
  await sql`update mail_outbox o
       set status = 'sent', sent_at = s.sent_at, lease_until = null,
           text_body = null, html_body = null
      from unnest(${sent.map((mail) => mail.id)}::uuid[],
                  ${sent.map((mail) => mail.sentAt.toISOString())}::timestamptz[]) as s (id, sent_at)
     where o.id = s.id`.execute(db);
}

function toEntry(row: MailOutboxRow): OutboxEntry {
  return {
    id: row.id,
    createdAt: row.created_at,
    to: row.to_address,
    template: row.template,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    leaseUntil: row.lease_until,
    lastError: row.last_error,
    sentAt: row.sent_at,
  };
}
