import { type Kysely, sql } from "kysely";
import type { NewSession, SessionRecord, SessionStore } from "../ports.js";
import type { Database, SessionRow } from "../schema.js";

export function createSessionStore(db: Kysely<Database>): SessionStore {
  return {
    async create(session: NewSession) {
      const row = await db
        .insertInto("refresh_sessions")
        .values(toSessionColumns(session))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSessionRecord(row);
    },

    async findByTokenHash(tokenHash) {
      const row = await db
        .selectFrom("refresh_sessions")
        .selectAll()
        .where("token_hash", "=", tokenHash)
        .executeTakeFirst();
      return row ? toSessionRecord(row) : null;
    },

    async rotate(tokenHash, replacement) {
      const now = replacement.now;
      // One statement: the guarded UPDATE is the single-use check (concurrent rotations
      // of one token queue on its row lock and all but the first find revoked_at set),
      // and the replacement joins the rotated session's family in the same breath, so
      // reuse detection always revokes the right chain. One round trip, no BEGIN/COMMIT.
      const { rows } = await sql<SessionRow>`
        with old as (
          update refresh_sessions
             set revoked_at = ${now}, replaced_by = ${replacement.id}, last_used_at = ${now}
           where token_hash = ${tokenHash} and revoked_at is null and expires_at > ${now}
          returning family_id, user_id, family_started_at
        )
        insert into refresh_sessions (id, family_id, user_id, token_hash, family_started_at,
          created_at, expires_at, last_used_at, revoked_at, replaced_by, user_agent, ip)
        select ${replacement.id}, family_id, user_id, ${replacement.tokenHash}, family_started_at,
          ${now}, ${replacement.expiresAt}, ${now}, null, null, ${replacement.userAgent},
          ${replacement.ip}
          from old
        returning *`.execute(db);
      const row = rows[0];
      return row ? toSessionRecord(row) : null;
    },

    async revokeFamily(familyId, now) {
      const result = await db
        .updateTable("refresh_sessions")
        .set({ revoked_at: now })
        .where("family_id", "=", familyId)
        .where("revoked_at", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async revokeAllForUser(userId, now, exceptFamilyId) {
      let query = db
        .updateTable("refresh_sessions")
        .set({ revoked_at: now })
        .where("user_id", "=", userId)
        .where("revoked_at", "is", null);
      if (exceptFamilyId !== undefined) query = query.where("family_id", "!=", exceptFamilyId);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

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
