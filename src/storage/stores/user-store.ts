import { type Insertable, type Kysely, sql, type Updateable } from "kysely";
import { isUuid } from "../../crypto/random.js";
import type { NewUser, UniqueField, UserPatch, UserRecord, UserStore } from "../ports.js";
import { UniqueViolation } from "../ports.js";
import { type Database, USER_COLUMN_NAMES, type UserRow, type UsersTable } from "../schema.js";
import { insertSecret } from "./code-put.js";
import { insertMail } from "./outbox-store.js";
import { eventDeliveries } from "./webhook-store.js";

/** How long an admin change waits for another's row locks before answering 503. */
const LOCK_TIMEOUT = "5s";

/** Rows per statement of importUsers: 13 columns each, well under 65,535 parameters. */
const IMPORT_ROWS_PER_STATEMENT = 2000;

export function createUserStore(db: Kysely<Database>): UserStore {
  return {
    findById: async (id) => (await findUsersBy(db, "id", [id]))[0] ?? null,
    findByEmail: async (email) => (await findUsersBy(db, "email", [email]))[0] ?? null,
    findByIds: (ids) => findUsersBy(db, "id", ids),
    findByEmails: (emails) => findUsersBy(db, "email", emails),

    async usernameTaken(username, exceptId) {
      const row = await db
        .selectFrom("users")
        .select("id")
        .where(sql<string>`lower(username)`, "=", username.toLowerCase())
        .where("id", "<>", exceptId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async create(user: NewUser) {
      const row = await rethrowUnique(() =>
        db
          .insertInto("users")
          .values(toInsertColumns(user))
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toUserRecord(row);
    },

    async createAccount({ user, event, code, mail }) {
      const insertUser = db.insertInto("users").values(toInsertColumns(user)).returningAll();
      // The code's and the event's rows name a user this very statement writes: their
      // foreign keys are checked at its end, when it is there.
      const { rows } = await rethrowUnique(() =>
        sql<UserRow>`with u as (${insertUser}),
          c as (${insertSecret(db, code)}),
          m as (${insertMail(db, mail, user.now)}),
          e as (${eventDeliveries(event, user.now)})
          select * from u`.execute(db),
      );
      const row = rows[0];
      if (!row) throw new Error(`user ${user.id} was not returned by its insert`);
      return toUserRecord(row);
    },

    async importUser(user: NewUser) {
      const inserted = await db
        .insertInto("users")
        .values(toInsertColumns(user))
        // Any unique clash (legacy id, email, username) means "already here": keep it.
        .onConflict((oc) => oc.doNothing())
        .returning("id")
        .executeTakeFirst();
      return inserted ? "created" : "exists";
    },

    async importUsers(users) {
      const created = new Set<string>();
      for (let at = 0; at < users.length; at += IMPORT_ROWS_PER_STATEMENT) {
        const rows = await db
          .insertInto("users")
          .values(users.slice(at, at + IMPORT_ROWS_PER_STATEMENT).map(toInsertColumns))
          .onConflict((oc) => oc.doNothing())
          .returning("id")
          .execute();
        for (const row of rows) created.add(row.id);
      }
      return users.map((user) => (created.has(user.id) ? "created" : "exists"));
    },

    async list(query) {
      let select = db.selectFrom("users").selectAll();
      if (query.status) select = select.where("status", "=", query.status);
      if (query.role) select = select.where("role", "=", query.role);
      if (query.q) {
        const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        select = select.where((eb) =>
          eb.or([
            eb("email", "like", pattern),
            eb(eb.fn("lower", ["name"]), "like", pattern),
            eb(eb.fn("lower", ["username"]), "like", pattern),
          ]),
        );
      }
      const after = query.after;
      if (after) {
        select = select.where((eb) =>
          eb.or([
            eb("created_at", "<", after.createdAt),
            eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)]),
          ]),
        );
      }
      const rows = await select
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(query.limit)
        .execute();
      return rows.map(toUserRecord);
    },

    async delete(id) {
      const result = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async lockActiveAdmins() {
      // A wait on another instance's admin change ends after LOCK_TIMEOUT (55P03, answered
      // 503 with Retry-After) rather than holding a pooled connection for as long as it takes.
      await sql`SET LOCAL lock_timeout = ${sql.lit(LOCK_TIMEOUT)}`.execute(db);
      // In id order, so two transactions lock them in the same order. FOR NO KEY UPDATE, not
      // FOR UPDATE: rows referencing an admin (a new session, an audit event) take KEY SHARE
      // on it, which FOR UPDATE would block, and wait in a cycle with this transaction's own
      // session updates (40P01, seen as 500s in issue 13, item 10).
      const rows = await db
        .selectFrom("users")
        .select("id")
        .where("role", "=", "admin")
        .where("status", "=", "active")
        .orderBy("id")
        .forNoKeyUpdate()
        .execute();
      return rows.map((row) => row.id);
    },

    async update(id: string, patch: UserPatch, now: Date) {
      const row = await rethrowUnique(() =>
        db
          .updateTable("users")
          .set(toUserColumns(patch, now))
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst(),
      );
      return row ? toUserRecord(row) : null;
    },

    async swapPasswordHash(id, expected, next, now) {
      const row = await db
        .updateTable("users")
        .set({ password_hash: next, updated_at: now })
        .where("id", "=", id)
        .where("password_hash", "=", expected)
        .returningAll()
        .executeTakeFirst();
      return row ? toUserRecord(row) : null;
    },

    async hasAdmin() {
      const row = await db
        .selectFrom("users")
        .select("id")
        .where("role", "=", "admin")
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

const USER_COLUMNS = sql.join(USER_COLUMN_NAMES.map((name) => sql.ref(name)));

/** One answer per key, in order: the user, or null (also for an id that is not a UUID). */
async function findUsersBy(
  db: Kysely<Database>,
  column: "id" | "email",
  keys: readonly string[],
): Promise<(UserRecord | null)[]> {
  const wanted = [...new Set(column === "id" ? keys.filter(isUuid) : keys)];
  if (wanted.length === 0) return keys.map(() => null);
  // One text for any number of keys, so a driver that prepares statements prepares it once.
  const { rows } = await sql<UserRow>`
    select ${USER_COLUMNS} from users
     where ${sql.ref(column)} = any(${wanted}::${sql.raw(column === "id" ? "uuid" : "text")}[])`.execute(
    db,
  );
  const byKey = new Map(rows.map((row) => [row[column], toUserRecord(row)]));
  // PostgreSQL prints UUIDs in lower case, whatever case they were asked in.
  return keys.map((key) => byKey.get(column === "id" ? key.toLowerCase() : key) ?? null);
}

function toInsertColumns(user: NewUser): Insertable<UsersTable> {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    username: user.username,
    password_hash: user.passwordHash,
    status: user.status,
    role: user.role,
    email_verified_at: user.emailVerifiedAt,
    created_at: user.createdAt ?? user.now,
    updated_at: user.now,
    legacy_id: user.legacyId ?? null,
    locale: user.locale ?? null,
  };
}

function toUserColumns(patch: UserPatch, now: Date): Updateable<UsersTable> {
  // Only keys present in the patch are written: `undefined` means "leave as is", null clears.
  const columns: Updateable<UsersTable> = { updated_at: now };
  if (patch.name !== undefined) columns.name = patch.name;
  if (patch.username !== undefined) columns.username = patch.username;
  if (patch.passwordHash !== undefined) columns.password_hash = patch.passwordHash;
  if (patch.status !== undefined) columns.status = patch.status;
  if (patch.role !== undefined) columns.role = patch.role;
  if (patch.emailVerifiedAt !== undefined) columns.email_verified_at = patch.emailVerifiedAt;
  if (patch.locale !== undefined) columns.locale = patch.locale;
  return columns;
}

export function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    username: row.username,
    passwordHash: row.password_hash,
    status: row.status,
    role: row.role,
    emailVerifiedAt: row.email_verified_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    legacyId: row.legacy_id,
    locale: row.locale,
    mfaEnabled: row.second_factors > 0,
  };
}

async function rethrowUnique<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const field = uniqueFieldOf(error);
    if (field) throw new UniqueViolation(field);
    throw error;
  }
}

/**
 * pg's DatabaseError and PGlite's error both carry SQLSTATE `code` and `constraint`;
 * neither shares a class we could test with instanceof, so look at the fields.
 */
function uniqueFieldOf(error: unknown): UniqueField | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, constraint, detail } = error as {
    code?: unknown;
    constraint?: unknown;
    detail?: unknown;
  };
  if (code !== "23505") return undefined;
  if (constraint === "users_email_key") return "email";
  if (constraint === "users_username_key") return "username";
  // Fallback for drivers that omit the constraint name: "Key (email)=(...) already exists."
  if (typeof detail === "string") {
    if (detail.startsWith("Key (email)")) return "email";
    if (detail.startsWith("Key (lower(username))")) return "username";
  }
  return undefined;
}
