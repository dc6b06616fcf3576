import { AuthError } from "../errors.js";
import type { AuditEvent, Stores, UserRecord } from "../storage/ports.js";
import type { UserRole, UserStatus } from "../storage/schema.js";
import type { ClientContext } from "./client.js";
import { type Cursor, decodeCursor, encodeCursor } from "./cursor.js";
import type { Deps } from "./deps.js";
import { isUserId, normalizeName } from "./input-rules.js";
import { issuePasswordReset } from "./password-reset.js";
import { createSerialQueue, type SerialQueue } from "./serial-queue.js";
import { required } from "./validate.js";
import { recordUserEvent, sessionRevoked, type WebhookEventType } from "./webhook-events.js";

/** Who acts: an admin's user id over HTTP, or null for the operator's CLI. */
export interface Actor {
  id: string | null;
  client?: ClientContext;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export interface UserListQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  q?: string | undefined;
  status?: UserStatus | undefined;
  role?: UserRole | undefined;
}

export async function listUsers(deps: Deps, query: UserListQuery): Promise<Page<UserRecord>> {
  const limit = pageSize(query.limit);
  const after = query.cursor === undefined ? undefined : validCursor(query.cursor);
  const users = await deps.stores.users.list({
    limit: limit + 1,
    after: after && { createdAt: after.at, id: after.id },
    q: query.q?.trim() || undefined,
    status: query.status,
    role: query.role,
  });
  return page(users, limit, (user) => ({ at: user.createdAt, id: user.id }));
}

export async function getUser(deps: Deps, id: string): Promise<UserRecord> {
  const user = isUserId(id) ? await deps.stores.users.findById(id) : null;
  if (!user) throw new AuthError("USER_NOT_FOUND");
  return user;
}

/**
 * The admin behind a verified access token, as the database has them now: a demoted or
 * blocked admin loses access at once, whatever the token still says. 401 when the user is
 * gone, 403 ACCOUNT_BLOCKED when blocked, 403 FORBIDDEN unless an active admin.
 */
export function requireActiveAdmin(user: UserRecord): UserRecord {
  if (user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  if (user.role !== "admin" || user.status !== "active") throw new AuthError("FORBIDDEN");
  return user;
}

export interface UserChanges {
  status?: UserStatus | undefined;
  role?: UserRole | undefined;
  name?: string | null | undefined;
}

/**
 * Changes status, role or name. Blocking a user or demoting an admin ends their sessions
 * at once; the last active admin can be neither blocked nor demoted (409 LAST_ADMIN).
 */
export async function updateUser(
  deps: Deps,
  actor: Actor,
  id: string,
  changes: UserChanges,
): Promise<UserRecord> {
  const name =
    changes.name === undefined || changes.name === null
      ? changes.name
      : required("name", normalizeName(changes.name));
  await getUser(deps, id);
  const now = deps.clock();
  const takesAdminAway =
    (changes.role !== undefined && changes.role !== "admin") ||
    (changes.status !== undefined && changes.status !== "active");
  // Taking an admin away waits its turn in this process (adminRemovals) before it locks anything.
  const change = () =>
    deps.stores.transaction(async (stores) => {
      // Lock first, then read: the last-admin check and the session cut-off are decided on
      // the user as they are now, not as a read before the transaction saw them.
      if (takesAdminAway) await assertNotLastAdmin(stores, id);
      const current = await stores.users.findById(id);
      if (!current) throw new AuthError("USER_NOT_FOUND");
      const user = await stores.users.update(
        id,
        {
          ...(changes.status !== undefined ? { status: changes.status } : {}),
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(name !== undefined ? { name } : {}),
        },
        now,
      );
      if (!user) throw new AuthError("USER_NOT_FOUND");
      const endsSessions =
        (changes.status === "blocked" && current.status !== "blocked") ||
        (changes.role === "user" && current.role === "admin");
      if (endsSessions) {
        await stores.sessions.revokeAllForUser(id, now, { event: sessionRevoked(now) });
      }
      await recordUserEvent(stores, userChangeEvent(current, user), user, now);
      return user;
    });
  const updated = await (takesAdminAway ? adminRemovals(deps)(change) : change());
  await auditAdmin(deps, actor, "admin.user.updated", id, {
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.role !== undefined ? { role: changes.role } : {}),
    ...(name !== undefined ? { nameChanged: true } : {}),
  });
  return updated;
}

/** The webhook event a change is: blocked and unblocked by name, anything else updated. */
function userChangeEvent(before: UserRecord, after: UserRecord): WebhookEventType {
  if (after.status === "blocked" && before.status !== "blocked") return "user.blocked";
  if (before.status === "blocked" && after.status !== "blocked") return "user.unblocked";
  return "user.updated";
}

export async function deleteUser(deps: Deps, actor: Actor, id: string): Promise<void> {
  const user = await getUser(deps, id);
  await adminRemovals(deps)(() =>
    deps.stores.transaction(async (stores) => {
      await assertNotLastAdmin(stores, id);
      if (!(await stores.users.delete(id))) throw new AuthError("USER_NOT_FOUND");
      await recordUserEvent(stores, "user.deleted", user, deps.clock());
    }),
  );
  // The user's row is gone: the event keeps who it was, so the trail still reads.
  await auditAdmin(deps, actor, "admin.user.deleted", id, { email: user.email });
}

export async function revokeUserSessions(deps: Deps, actor: Actor, id: string): Promise<number> {
  await getUser(deps, id);
  const now = deps.clock();
  const revoked = await deps.stores.sessions.revokeAllForUser(id, now, {
    event: sessionRevoked(now),
  });
  await auditAdmin(deps, actor, "admin.sessions.revoked", id, { revoked });
  return revoked;
}

/** Mails the user a reset link now, whatever the cooldown; blocked users get none. */
export async function sendPasswordReset(deps: Deps, actor: Actor, id: string): Promise<boolean> {
  const user = await getUser(deps, id);
  const sent = await issuePasswordReset(deps, user.email, "link", { ignoreCooldown: true });
  await auditAdmin(deps, actor, "admin.reset.sent", id, { sent });
  return sent;
}

export interface AuditListQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  userId?: string | undefined;
  type?: string | undefined;
}

export async function listAuditEvents(
  deps: Deps,
  query: AuditListQuery,
): Promise<Page<AuditEvent>> {
  const limit = pageSize(query.limit);
  const before = query.cursor === undefined ? undefined : validCursor(query.cursor);
  if (query.userId !== undefined && !isUserId(query.userId)) return { items: [], nextCursor: null };
  const events = await deps.stores.audit.list({
    limit: limit + 1,
    userId: query.userId,
    type: query.type,
    before: before && { occurredAt: before.at, id: before.id },
  });
  return page(events, limit, (event) => ({ at: event.occurredAt, id: event.id }));
}

const removalQueues = new WeakMap<Stores, SerialQueue>();

/**
 * Changes that may take an admin away (block, demote, delete) run one at a time per process:
 * they all lock the same rows (the active admins), so running them at once only parks
 * transactions, each holding a pooled connection, behind one lock (issue 13, item 10).
 * Across instances the row locks still decide, bounded by the store's lock timeout.
 */
function adminRemovals(deps: Deps): SerialQueue {
  let queue = removalQueues.get(deps.stores);
  if (!queue) {
    queue = createSerialQueue();
    removalQueues.set(deps.stores, queue);
  }
  return queue;
}

/** Locks the active admins for the rest of the transaction; 409 when `id` is the only one. */
async function assertNotLastAdmin(stores: Stores, id: string): Promise<void> {
  const admins = await stores.users.lockActiveAdmins();
  if (admins.length <= 1 && admins.includes(id)) throw new AuthError("LAST_ADMIN");
}

function auditAdmin(
  deps: Deps,
  actor: Actor,
  type: `admin.${string}`,
  userId: string,
  details: Record<string, string | number | boolean>,
): Promise<void> {
  return deps.audit({
    type,
    outcome: "success",
    userId,
    actorId: actor.id,
    ...(actor.client ? { client: actor.client } : {}),
    details,
  });
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isInteger(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(limit, 1), MAX_PAGE_SIZE);
}

function validCursor(text: string): Cursor {
  const cursor = decodeCursor(text);
  // Users and audit events both have UUID ids; anything else must not reach a uuid column.
  if (!cursor || !isUserId(cursor.id)) {
    throw new AuthError("VALIDATION_FAILED", undefined, [
      { field: "cursor", message: "Not a cursor from an earlier page." },
    ]);
  }
  return cursor;
}

/** Items were fetched with limit + 1: the extra one only says whether there is more. */
function page<T>(items: T[], limit: number, cursorOf: (item: T) => Cursor): Page<T> {
  const shown = items.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown,
    nextCursor: items.length > limit && last ? encodeCursor(cursorOf(last)) : null,
  };
}
