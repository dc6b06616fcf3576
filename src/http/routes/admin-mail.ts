import { Type } from "typebox";
import { listDeadMail, requeueMail } from "../../domain/admin-mail.js";
import type { OutboxEntry } from "../../storage/ports.js";
import { ErrorBody, ok, SIGNED_IN, SuccessFields } from "../envelope.js";
import { adminActor, requireAdmin } from "../plugins/require-admin.js";
import type { App, AppDeps } from "../types.js";

const DeadMail = Type.Object({
  id: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  to: Type.String(),
  template: Type.String(),
  subject: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
});
const DeadMailQuery = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: "^(?:[1-9][0-9]?|100)$" })) },
  { additionalProperties: false },
);
const MailParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ADMIN = { tags: ["admin"], security: SIGNED_IN };
const REFUSALS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

/** Dead letters of the mail outbox: list them, and send one again once the cause is fixed. */
export function registerAdminMailRoutes(app: App, deps: AppDeps): void {
  const preHandler = requireAdmin(deps);
  app.get(
    "/admin/mail/dead",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "Mail given up on after MAIL_MAX_ATTEMPTS (bodies are never shown)",
        querystring: DeadMailQuery,
        response: {
          200: Type.Object({ ...SuccessFields, mail: Type.Array(DeadMail) }),
          ...REFUSALS,
        },
      },
    },
    async (request) => {
      const dead = await listDeadMail(deps, Number(request.query.limit ?? 50));
      return ok("Dead mail.", { mail: dead.map(toView) });
    },
  );
  app.post(
    "/admin/mail/:id/requeue",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "Queue a dead message again with a fresh attempt count",
        params: MailParams,
        response: { 202: Type.Object(SuccessFields), ...REFUSALS, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await requeueMail(deps, adminActor(request), request.params.id);
      reply.code(202);
      return ok("The message is queued again.");
    },
  );
}

function toView(entry: OutboxEntry) {
  return {
    id: entry.id,
    createdAt: entry.createdAt.toISOString(),
    to: entry.to,
    template: entry.template,
    subject: entry.subject,
    attempts: entry.attempts,
    lastError: entry.lastError,
  };
}
