import { type Kysely, type RawBuilder, sql } from "kysely";
import { isUuid } from "../../crypto/random.js";
import type {
  LiveQuery,
  LiveSession,
  NewSession,
  RevokedEvent,
  SessionEventTemplate,
  SessionRecord,
  SessionStore,
} from "../ports.js";
import { type Database, type SessionRow, USER_COLUMN_NAMES, type UserRow } from "../schema.js";
import { firstRows } from "./first-rows.js";
import { namedSessionEvents, revokedSessionEvents, sessionDeliveries } from "./session-events.js";
import { rotateMany } from "./session-rotation.js";
import { toAssurance, toSessionColumns, toSessionRecord } from "./session-rows.js";
import { toUserRecord } from "./user-store.js";

export function createSessionStore(db: Kysely<Database>): SessionStore {
  return {
    create: async (session) => (await createMany(db, [session]))[0] as SessionRecord,
    createMany: (sessions) => createMany(db, sessions),

    findLive: async (userId, familyId, now) =>
      (await findLiveMany(db, [{ userId, familyId, now }]))[0] ?? null,
    findLiveMany: (queries) => findLiveMany(db, queries),

    async findByToken({ sessionId, tokenHash }) {
      const row = await db
        .selectFrom("refresh_sessions")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .$call((query) =>
          sessionId === null
            ? query.where("token_names_row", "=", false)
            : query.where("id", "=", sessionId),
        )
        .executeTakeFirst();
      return row ? toSessionRecord(row) : null;
    },

    rotate: async (token, replacement) =>
      (await rotateMany(db, [{ token, replacement }]))[0] ?? null,
    rotateMany: (rotations) => rotateMany(db, rotations),

    revokeFamily: (familyId, now, event) =>
      inTransaction(db, async (trx) => {
        const { rows } = await sql<UserRow>`select u.* from users u
           where u.id = (select user_id from refresh_sessions where family_id = ${familyId} limit 1)
             for no key update`.execute(trx);
        return revoke(trx, sql`family_id = ${familyId}`, now, eventFor(rows[0], event));
      }),

    revokeAllForUser: (userId, now, options = {}) =>
      inTransaction(db, async (trx) => {
        const { rows } = await sql<UserRow>`select * from users where id = ${userId}
             for no key update`.execute(trx);
        const except = options.exceptFamilyId;
        const which =
          except === undefined
            ? sql`user_id = ${userId}`
            : sql`user_id = ${userId} and family_id <> ${except}`;
        return revoke(trx, which, now, eventFor(rows[0], options.event));
      }),

    async listLiveForUser(userId, now) {
      const rows = await db
        .selectFrom("refresh_sessions")
        .selectAll()
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null)
        .where("expires_at", ">", now)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .execute();
      return rows.map(toSessionRecord);
    },

    async purgeExpired(now, limit) {
      // Revoked but unexpired rows stay: presenting a rotated token must still be
      // recognised as reuse until the token would have expired anyway.
      const expired = db
        .selectFrom("refresh_sessions")
        .where("expires_at", "<=", now)
        .orderBy("expires_at");
      const result = await db
        .deleteFrom("refresh_sessions")
        .where("expires_at", "<=", now)
        .where(firstRows(expired, limit))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/**
 * Runs `fn` in a transaction (or the surrounding one). A revoke locks its user's row and
 * then writes in a statement of its own: in READ COMMITTED each statement takes a new
 * snapshot, so the UPDATE sees every token a rotation that held the row committed before
 * the lock was granted. One statement could not: its snapshot predates the wait.
 */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>) {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

function eventFor(row: UserRow | undefined, event: RevokedEvent | undefined) {
  return row && event ? event(toUserRecord(row)) : null;
}

/**
 * Revokes the live tokens `which` selects, in a statement of its own after the user's lock
 * (see inTransaction), writing session.revoked for each family it ends in the same statement.
 * Answers how many tokens it revoked.
 */
async function revoke(
  trx: Kysely<Database>,
  which: RawBuilder<unknown>,
  now: Date,
  event: SessionEventTemplate | null,
): Promise<number> {
  const hooks = event
    ? sql`, hooks as (${sessionDeliveries(revokedSessionEvents(event, now))})`
    : sql``;
  const { rows } = await sql<{ n: string | number }>`
    with revoked as (
      update refresh_sessions set revoked_at = ${now}::timestamptz
       where ${which} and revoked_at is null
      returning family_id
    )${hooks}
    select count(*) as n from revoked`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

type LiveRow = UserRow & { n: string | number; aal: string | null; amr: string[] | null };

/** Many access tokens' sessions in one query; one answer per input. */
async function findLiveMany(
  db: Kysely<Database>,
  inputs: readonly LiveQuery[],
): Promise<(LiveSession | null)[]> {
  // Claims come from our own signed tokens, but a uuid column must never see a non-UUID.
  const asked = inputs.filter((input) => isUuid(input.userId) && isUuid(input.familyId));
  if (asked.length === 0) return inputs.map(() => null);
  const { rows } = await sql<LiveRow>`
    select i.n, s.aal, s.amr, ${USER_COLUMNS_OF_U}
      from unnest(${asked.map((a) => a.userId)}::uuid[], ${asked.map((a) => a.familyId)}::uuid[],
                  ${asked.map((a) => a.now.toISOString())}::timestamptz[])
           with ordinality as i (user_id, family_id, at, n)
      join users u on u.id = i.user_id
      left join lateral (
        select s.aal, s.amr from refresh_sessions s
         where s.family_id = i.family_id and s.user_id = i.user_id
           and s.revoked_at is null and s.expires_at > i.at
         limit 1
      ) s on true`.execute(db);
  // Each row says which input it answers (n, 1-based in `asked`); unmatched inputs stay null.
  const found = new Map<LiveQuery, LiveSession>();
  for (const row of rows) {
    const input = asked[Number(row.n) - 1];
    if (input) found.set(input, toLiveSession(row));
  }
  return inputs.map((input) => found.get(input) ?? null);
}

function toLiveSession(row: LiveRow): LiveSession {
  const { aal, amr } = row;
  const assurance = aal === null || amr === null ? null : toAssurance({ aal, amr });
  return { user: toUserRecord(row), assurance };
}

/**
 * `u.id, u.email, …`: the user's columns under their own names. One raw fragment, built
 * once from the schema's own names: the query is compiled for every batch of every
 * authenticated request, and a reference per column is that much more to compile.
 */
const USER_COLUMNS_OF_U = sql.raw(USER_COLUMN_NAMES.map((name) => `u.${name}`).join(", "));

async function createMany(
  db: Kysely<Database>,
  sessions: readonly NewSession[],
): Promise<SessionRecord[]> {
  if (sessions.length === 0) return [];
  const insert = db
    .insertInto("refresh_sessions")
    .values(sessions.map(toSessionColumns))
    .returningAll();
  const events = sessions.flatMap((session) =>
    session.event ? [{ sessionId: session.familyId, event: session.event, at: session.now }] : [],
  );
  // With events, session.created rides in the insert's statement (session-events.ts).
  const rows =
    events.length === 0
      ? await insert.execute()
      : (
          await sql<SessionRow>`with s as (${insert}),
            hooks as (${sessionDeliveries(namedSessionEvents(events))})
            select * from s`.execute(db)
        ).rows;
  // RETURNING follows no promised order: match rows to callers by id.
  const byId = new Map(rows.map((row) => [row.id, toSessionRecord(row)]));
  return sessions.map((session) => {
    const created = byId.get(session.id);
    if (!created) throw new Error(`session ${session.id} was not returned by its insert`);
    return created;
  });
}
