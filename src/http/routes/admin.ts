import {
  deleteUser,
  getUser,
  listAuditEvents,
  listUsers,
  revokeUserSessions,
  sendPasswordReset,
  updateUser,
} from "../../domain/admin.js";
import { toPublicUser } from "../../domain/public-user.js";
import type { AuditEvent } from "../../storage/ports.js";
import { ok, SIGNED_IN } from "../envelope.js";
import { adminActor, requireAdmin } from "../plugins/require-admin.js";
import type { App, AppDeps } from "../types.js";
import {
  AuditListQuery,
  AuditListReply,
  ErrorBody,
  MessageReply,
  RevokeSessionsReply,
  SendResetReply,
  UpdateUserBody,
  UserListQuery,
  UserListReply,
  UserParams,
  UserReply,
} from "./admin.schemas.js";

// Every admin route can be refused the same ways; 404 and 409 only where they apply.
const REFUSALS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const ON_USER = { ...REFUSALS, 404: ErrorBody };
const ADMIN = { tags: ["admin"], security: SIGNED_IN };

/** The admin API (README, API reference): an active admin, checked against the database. */
export function registerAdminRoutes(app: App, deps: AppDeps): void {
  const preHandler = requireAdmin(deps);

  app.get(
    "/admin/users",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "List users, newest first, with search, filters and a cursor",
        querystring: UserListQuery,
        response: { 200: UserListReply, ...REFUSALS },
      },
    },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await listUsers(deps, { ...rest, limit: pageLimit(limit) });
      return ok("Users.", { users: page.items.map(toPublicUser), nextCursor: page.nextCursor });
    },
  );

  app.get(
    "/admin/users/:id",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "One user",
        params: UserParams,
        response: { 200: UserReply, ...ON_USER },
      },
    },
    async (request) => {
      const user = await getUser(deps, request.params.id);
      return ok("The user.", { user: toPublicUser(user) });
    },
  );

  app.patch(
    "/admin/users/:id",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "Block, unblock, promote, demote or rename a user",
        description: "Blocking or demoting ends the user's sessions at once.",
        params: UserParams,
        body: UpdateUserBody,
        response: { 200: UserReply, ...ON_USER, 409: ErrorBody },
      },
    },
    async (request) => {
      const user = await updateUser(deps, adminActor(request), request.params.id, request.body);
      return ok("User updated.", { user: toPublicUser(user) });
    },
  );

  app.delete(
    "/admin/users/:id",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "Delete a user with their sessions and codes",
        params: UserParams,
        response: { 200: MessageReply, ...ON_USER, 409: ErrorBody },
      },
    },
    async (request) => {
      await deleteUser(deps, adminActor(request), request.params.id);
      return ok("User deleted.");
    },
  );

  app.post(
    "/admin/users/:id/revoke-sessions",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "End every session of a user",
        params: UserParams,
        response: { 200: RevokeSessionsReply, ...ON_USER },
      },
    },
    async (request) => {
      const revoked = await revokeUserSessions(deps, adminActor(request), request.params.id);
      return ok("Sessions ended.", { revoked });
    },
  );

  app.post(
    "/admin/users/:id/send-reset",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "Mail the user a password reset link now, whatever the resend cooldown",
        params: UserParams,
        response: { 202: SendResetReply, ...ON_USER },
      },
    },
    async (request, reply) => {
      const sent = await sendPasswordReset(deps, adminActor(request), request.params.id);
      reply.code(202);
      return sent
        ? ok("A reset link is on its way to the user.", { sent })
        : ok("The user is blocked: no reset link was sent.", { sent });
    },
  );

  app.get(
    "/admin/audit-events",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "The audit trail, newest first, by user and type, with a cursor",
        querystring: AuditListQuery,
        response: { 200: AuditListReply, ...REFUSALS },
      },
    },
    async (request) => {
      const { limit, ...rest } = request.query;
      const page = await listAuditEvents(deps, { ...rest, limit: pageLimit(limit) });
      return ok("Audit events.", {
        events: page.items.map(toAuditEventView),
        nextCursor: page.nextCursor,
      });
    },
  );
}

/** The schema has already held the digits to 1..100. */
function pageLimit(limit: string | undefined): number | undefined {
  return limit === undefined ? undefined : Number(limit);
}

function toAuditEventView(event: AuditEvent) {
  return { ...event, occurredAt: event.occurredAt.toISOString() };
}
