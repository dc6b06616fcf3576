import { type Kysely, sql } from "kysely";
import type { Aal, Assurance, AuthMethod } from "../../crypto/access-tokens.js";
import { isUuid } from "../../crypto/random.js";
import { createBatcher } from "../batcher.js";
import type {
  LiveSession,
  NewSession,
  Rotation,
  SessionRecord,
  SessionReplacement,
  SessionStore,
} from "../ports.js";
import { prepared } from "../prepared.js";
import { type Database, type SessionRow, USER_COLUMN_NAMES, type UserRow } from "../schema.js";
import { toUserRecord } from "./user-store.js";

export function createSessionStore(db: Kysely<Database>): SessionStore {
  // Logins and refreshes arriving together write in one statement each (see batcher.ts).
  const enabled = !db.isTransaction;
  const create = createBatcher((sessions: readonly NewSession[]) => createMany(db, sessions), {
    enabled,
  });
  const rotate = createBatcher((inputs: readonly RotateInput[]) => rotateMany(db, inputs), {
    enabled,
  });
  const findLive = createBatcher((inputs: readonly LiveInput[]) => findLiveMany(db, inputs), {
    enabled,
  });
  return {
    create,

    findLive: (userId, familyId, now) => findLive({ userId, familyId, now }),

    async findByTokenHash(tokenHash) {
      const row = await db
        .selectFrom("refresh_sessions")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .executeTakeFirst();
      return row ? toSessionRecord(row) : null;
    },

    rotate: (tokenHash, replacement) => rotate({ tokenHash, replacement }),

    revokeFamily: (familyId, now) =>
      inTransaction(db, async (trx) => {
        await sql`select u.id from users u
           where u.id = (select user_id from refresh_sessions where family_id = ${familyId} limit 1)
             for no key update`.execute(trx);
        const result = await trx
          .updateTable("refresh_sessions")
          .set({ revoked_at: now })
          .where("family_id", "=", familyId)
          .where("revoked_at", "is", null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),

    revokeAllForUser: (userId, now, exceptFamilyId) =>
      inTransaction(db, async (trx) => {
        await sql`select id from users where id = ${userId} for no key update`.execute(trx);
        let query = trx
          .updateTable("refresh_sessions")
          .set({ revoked_at: now })
          .where("user_id", "=", userId)
          .where("revoked_at", "is", null);
        if (exceptFamilyId !== undefined) query = query.where("family_id", "!=", exceptFamilyId);
        const result = await query.executeTakeFirst();
        return Number(result.numUpdatedRows);
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

    async purgeExpired(now) {
      // Revoked but unexpired rows stay: presenting a rotated token must still be
      // recognised as reuse until the token would have expired anyway.
      const result = await db
        .deleteFrom("refresh_sessions")
        .where("expires_at", "<=", now)
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

interface LiveInput {
  userId: string;
  familyId: string;
  now: Date;
}

type LiveRow = UserRow & { n: string | number; aal: string | null; amr: string[] | null };

/** One prepared query for a batch of access tokens' sessions; one answer per input. */
async function findLiveMany(
  db: Kysely<Database>,
  inputs: readonly LiveInput[],
): Promise<(LiveSession | null)[]> {
  // Claims come from our own signed tokens, but a uuid column must never see a non-UUID.
  const asked = inputs.filter((input) => isUuid(input.userId) && isUuid(input.familyId));
  if (asked.length === 0) return inputs.map(() => null);
  const { rows } = await sql<LiveRow>`${prepared("live_sessions")}
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
  const byIndex = new Map(rows.map((row) => [Number(row.n) - 1, row]));
  const answers = new Map(
    asked.map((input, i) => {
      const row = byIndex.get(i);
      if (!row) return [input, null];
      const { aal, amr } = row;
      const assurance = aal === null || amr === null ? null : toAssurance({ aal, amr });
      return [input, { user: toUserRecord(row), assurance }];
    }),
  );
  return inputs.map((input) => answers.get(input) ?? null);
}

/** `u.id, u.email, …`: the user's columns under their own names. */
const USER_COLUMNS_OF_U = sql.join(USER_COLUMN_NAMES.map((name) => sql.ref(`u.${name}`)));

/** The columns are only ever written from an Assurance; anything else reads as the least. */
function toAssurance(row: { aal: string; amr: string[] | string }): Assurance {
  const amr = typeof row.amr === "string" ? parseTextArray(row.amr) : row.amr;
  return { aal: (row.aal === "aal2" ? "aal2" : "aal1") as Aal, amr: amr as AuthMethod[] };
}

/** `{pwd,email}`: an array a driver handed over as text (the values are plain words). */
function parseTextArray(text: string): string[] {
  const inner = text.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",");
}

interface RotateInput {
  tokenHash: string;
  replacement: SessionReplacement;
}

/**
 * The new session's id, family and assurance, the rotated token's hash, then its user's
 * columns with a `user_` prefix (user_id is the session's). No more: in PGlite each value
 * returned costs about 2 µs.
 */
type RotatedRow = Pick<SessionRow, "id" | "family_id" | "user_id" | "aal" | "amr"> & {
  token_hash: string;
} & {
  [K in keyof UserRow as `user_${K}`]: UserRow[K];
};

/**
 * Rotates many tokens in one statement, one answer per input. The guarded UPDATE is the
 * single-use check: concurrent rotations of one token queue on its row lock and all but
 * the first find revoked_at set. The replacement joins the rotated session's family in
 * the same statement, so reuse detection always revokes the right chain, and the user is
 * read in the same snapshot (refresh needs their status and claims). One round trip, no
 * BEGIN/COMMIT.
 */
async function rotateMany(
  db: Kysely<Database>,
  inputs: readonly RotateInput[],
): Promise<(Rotation | null)[]> {
  // A token presented twice in one batch is rotated once; the later copies lose, exactly
  // as they would one after the other. Sorted, so two batches (two instances) lock rows in
  // one order; a deadlock anyway fails the batch, and the batcher reruns each alone.
  const first = new Map<string, RotateInput>();
  for (const input of inputs) if (!first.has(input.tokenHash)) first.set(input.tokenHash, input);
  const distinct = [...first.values()].sort((a, b) => (a.tokenHash < b.tokenHash ? -1 : 1));
  const rows = await rotateStatement(db, distinct);
  const byNewId = new Map(rows.map((row) => [row.id, row]));
  return inputs.map(({ replacement }) => {
    const row = byNewId.get(replacement.id);
    return row
      ? {
          familyId: row.family_id,
          user: toUserRecord(userColumns(row)),
          assurance: toAssurance(row),
        }
      : null;
  });
}

async function createMany(
  db: Kysely<Database>,
  sessions: readonly NewSession[],
): Promise<SessionRecord[]> {
  const rows = await db
    .insertInto("refresh_sessions")
    .values(sessions.map(toSessionColumns))
    .returningAll()
    .execute();
  // RETURNING follows no promised order: match rows to callers by id.
  const byId = new Map(rows.map((row) => [row.id, toSessionRecord(row)]));
  return sessions.map((session) => {
    const created = byId.get(session.id);
    if (!created) throw new Error(`session ${session.id} was not returned by its insert`);
    return created;
  });
}

async function rotateStatement(
  db: Kysely<Database>,
  inputs: readonly RotateInput[],
): Promise<RotatedRow[]> {
  const values = sql.join(
    inputs.map(
      ({ tokenHash, replacement: r }) =>
        sql`(${tokenHash}::text, ${r.id}::uuid, ${r.tokenHash}::text, ${r.now}::timestamptz,
          ${r.expiresAt}::timestamptz, ${r.userAgent}::text, ${r.ip}::text)`,
    ),
  );
  // `locked` takes each user's row FOR SHARE before the old token is touched (the UPDATE
  // reads from it), and holds it to the end: a revoke locks that row FOR NO KEY UPDATE
  // first, so it waits for this statement and then sees the new token, or this statement
  // waits for the revoke and then finds the old token revoked (see inTransaction). KEY
  // SHARE would not conflict with NO KEY UPDATE. The user's columns come from `locked`:
  // a row waited for is read as committed, not as the statement's older snapshot had it.
  const { rows } = await sql<RotatedRow>`
    with input (token_hash, new_id, new_hash, at, expires_at, user_agent, ip) as (
      values ${values}
    ),
    locked as materialized (
      select i.token_hash, ${USER_AS_PREFIXED}
        from input i
        join refresh_sessions s on s.token_hash = i.token_hash
        join users u on u.id = s.user_id
       where s.revoked_at is null and s.expires_at > i.at
         for share of u
    ),
    old as (
      update refresh_sessions s
         set revoked_at = i.at, replaced_by = i.new_id, last_used_at = i.at
        from input i join locked l on l.token_hash = i.token_hash
       where s.token_hash = i.token_hash and s.revoked_at is null and s.expires_at > i.at
      returning s.family_id, s.user_id, s.family_started_at, s.aal, s.amr, i.*
    ),
    fresh as (
      insert into refresh_sessions (id, family_id, user_id, token_hash, family_started_at,
        created_at, expires_at, last_used_at, revoked_at, replaced_by, user_agent, ip, aal, amr)
      select new_id, family_id, user_id, new_hash, family_started_at, at, expires_at, at,
        null, null, user_agent, ip, aal, amr
        from old
      returning id, family_id, user_id, aal, amr
    )
    select fresh.*, l.*
      from fresh
      join old on old.new_id = fresh.id
      join locked l on l.token_hash = old.token_hash`.execute(db);
  return rows;
}

/** `u.email as user_email, …`: the user's columns but id, which is the session's user_id. */
const USER_AS_PREFIXED = sql.join(
  USER_COLUMN_NAMES.filter((name) => name !== "id").map(
    (name) => sql`${sql.ref(`u.${name}`)} as ${sql.ref(`user_${name}`)}`,
  ),
);

function userColumns(row: RotatedRow): UserRow {
  return {
    id: row.user_id,
    email: row.user_email,
    name: row.user_name,
    username: row.user_username,
    password_hash: row.user_password_hash,
    status: row.user_status,
    role: row.user_role,
    email_verified_at: row.user_email_verified_at,
    created_at: row.user_created_at,
    updated_at: row.user_updated_at,
    legacy_id: row.user_legacy_id,
    locale: row.user_locale,
  };
}

function toSessionColumns(session: NewSession) {
  return {
    id: session.id,
    family_id: session.familyId,
    user_id: session.userId,
    token_hash: session.tokenHash,
    family_started_at: session.familyStartedAt,
    created_at: session.now,
    expires_at: session.expiresAt,
    last_used_at: session.now,
    revoked_at: null,
    replaced_by: null,
    user_agent: session.userAgent,
    ip: session.ip,
    aal: session.assurance?.aal ?? "aal1",
    amr: session.assurance?.amr ?? ["pwd"],
  };
}

function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    familyStartedAt: row.family_started_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    replacedBy: row.replaced_by,
    userAgent: row.user_agent,
    ip: row.ip,
  };
}
