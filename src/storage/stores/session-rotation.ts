import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Rotation, RotationRequest } from "../ports.js";
import { type Database, type SessionRow, USER_COLUMN_NAMES, type UserRow } from "../schema.js";
import { toAssurance } from "./session-rows.js";
import { toUserRecord } from "./user-store.js";

/**
 * The new session's id, family and assurance, the rotated token's hash, then its user's
 * columns with a `user_` prefix (user_id is the session's). No more: PGlite's cost grows
 * with every value it returns (BENCHMARKS.md, "What the profiles showed").
 */
type RotatedRow = Pick<SessionRow, "id" | "family_id" | "user_id" | "aal" | "amr"> & {
  token_hash: string;
} & {
  [K in keyof UserRow as `user_${K}`]: UserRow[K];
};

/**
 * Rotates many tokens in one statement (two when tokens of both formats come together, see
 * BY_ID), one answer per input. The guarded UPDATE is the
 * single-use check: concurrent rotations of one token queue on its row lock and all but
 * the first find revoked_at set. The replacement joins the rotated session's family in
 * the same statement, so reuse detection always revokes the right chain, and the user is
 * read in the same snapshot (refresh needs their status and claims). One round trip, no
 * BEGIN/COMMIT.
 */
export async function rotateMany(
  db: Kysely<Database>,
  inputs: readonly RotationRequest[],
): Promise<(Rotation | null)[]> {
  if (inputs.length === 0) return [];
  // A token presented twice in one batch is rotated once: the later copies lose, exactly
  // as they would one after the other. Sorted, so two batches (two instances) lock rows in
  // one order; a deadlock anyway fails the statement, and batching.ts reruns each alone.
  const first = new Map<string, RotationRequest>();
  for (const input of inputs) {
    if (!first.has(input.token.tokenHash)) first.set(input.token.tokenHash, input);
  }
  const distinct = [...first.values()].sort((a, b) =>
    a.token.tokenHash < b.token.tokenHash ? -1 : 1,
  );
  const named = distinct.filter((input) => input.token.sessionId !== null);
  const unnamed = distinct.filter((input) => input.token.sessionId === null);
  const rows = [
    ...(named.length > 0 ? await rotateStatement(db, named, BY_ID) : []),
    ...(unnamed.length > 0 ? await rotateStatement(db, unnamed, BY_HASH) : []),
  ];
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

/**
 * How an input finds its session `s`. A token that names its row is read by the primary
 * key (time-ordered, so the recent rows a refresh wants stay in memory) and must carry that
 * row's hash; an older token only by its hash, among the rows written before tokens named
 * theirs (migration 0014's partial index). The hash is compared in SQL: it is a digest of a
 * 256-bit secret, so how long the comparison takes tells nothing about a token.
 */
const BY_ID = sql`s.id = i.session_id and s.token_hash = i.token_hash`;
const BY_HASH = sql`s.token_hash = i.token_hash and not s.token_names_row`;

async function rotateStatement(
  db: Kysely<Database>,
  inputs: readonly RotationRequest[],
  match: RawBuilder<unknown>,
): Promise<RotatedRow[]> {
  const values = sql.join(
    inputs.map(
      ({ token, replacement: r }) =>
        sql`(${token.sessionId}::uuid, ${token.tokenHash}::text, ${r.id}::uuid,
          ${r.tokenHash}::text, ${r.now}::timestamptz, ${r.expiresAt}::timestamptz,
          ${r.userAgent}::text, ${r.ip}::text)`,
    ),
  );
  // `locked` takes each user's row FOR SHARE before the old token is touched (the UPDATE
  // reads from it), and holds it to the end: a revoke locks that row FOR NO KEY UPDATE
  // first, so it waits for this statement and then sees the new token, or this statement
  // waits for the revoke and then finds the old token revoked (see inTransaction). KEY
  // SHARE would not conflict with NO KEY UPDATE. The user's columns come from `locked`:
  // a row waited for is read as committed, not as the statement's older snapshot had it.
  const { rows } = await sql<RotatedRow>`
    with input (session_id, token_hash, new_id, new_hash, at, expires_at, user_agent, ip) as (
      values ${values}
    ),
    locked as materialized (
      select i.token_hash, ${USER_AS_PREFIXED}
        from input i
        join refresh_sessions s on ${match}
        join users u on u.id = s.user_id
       where s.revoked_at is null and s.expires_at > i.at
         for share of u
    ),
    old as (
      update refresh_sessions s
         set revoked_at = i.at, replaced_by = i.new_id, last_used_at = i.at
        from input i join locked l on l.token_hash = i.token_hash
       where ${match} and s.revoked_at is null and s.expires_at > i.at
      returning s.family_id, s.user_id, s.family_started_at, s.aal, s.amr, i.*
    ),
    fresh as (
      insert into refresh_sessions (id, family_id, user_id, token_hash, token_names_row,
        family_started_at, created_at, expires_at, last_used_at, revoked_at, replaced_by,
        user_agent, ip, aal, amr)
      select new_id, family_id, user_id, new_hash, true, family_started_at, at, expires_at, at,
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

/**
 * `u.email as user_email, …`: the user's columns but id, which is the session's user_id.
 * One raw fragment built once from the schema's names, not a reference per column compiled
 * again for every batch of refreshes.
 */
const USER_AS_PREFIXED = sql.raw(
  USER_COLUMN_NAMES.filter((name) => name !== "id")
    .map((name) => `u.${name} as user_${name}`)
    .join(", "),
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
    second_factors: row.user_second_factors,
  };
}
