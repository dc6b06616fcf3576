import { Type } from "typebox";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  retryWebhookDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
} from "../../domain/webhooks.js";
import type { WebhookDelivery, WebhookEndpoint } from "../../storage/ports.js";
import { ErrorBody, ok, SIGNED_IN, SuccessFields } from "../envelope.js";
import { adminActor, requireAdmin } from "../plugins/require-admin.js";
import type { App, AppDeps } from "../types.js";
import {
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryListReply,
  DeliveryParams,
  UpdateWebhookBody,
  WebhookListReply,
  WebhookParams,
  WebhookReply,
  WebhookWithSecretReply,
} from "./admin-webhooks.schemas.js";

const ADMIN = { tags: ["admin"], security: SIGNED_IN };
const REFUSALS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const ON_WEBHOOK = { ...REFUSALS, 404: ErrorBody };
const MessageReply = Type.Object(SuccessFields);

/** Webhook endpoints (README, "Webhooks"): thin routes over domain/webhooks.ts. */
export function registerAdminWebhookRoutes(app: App, deps: AppDeps): void {
  const preHandler = requireAdmin(deps);
  const one = { preHandler, schema: { ...ADMIN, params: WebhookParams } };

  app.post(
    "/admin/webhooks",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "Add a webhook endpoint; its signing secret is in this answer only",
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecretReply, ...REFUSALS },
      },
    },
    async (request, reply) => {
      const made = await createWebhook(deps, adminActor(request), request.body);
      reply.code(201);
      return ok("Webhook added. Keep the secret: it is not shown again.", {
        webhook: toView(made.webhook),
        secret: made.secret,
      });
    },
  );

  app.get(
    "/admin/webhooks",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "List webhook endpoints",
        response: { 200: WebhookListReply, ...REFUSALS },
      },
    },
    async () => ok("Webhooks.", { webhooks: (await listWebhooks(deps)).map(toView) }),
  );

  app.get(
    "/admin/webhooks/:id",
    {
      ...one,
      schema: {
        ...one.schema,
        summary: "One webhook endpoint",
        response: { 200: WebhookReply, ...ON_WEBHOOK },
      },
    },
    async (request) =>
      ok("Webhook.", { webhook: toView(await getWebhook(deps, request.params.id)) }),
  );

  app.patch(
    "/admin/webhooks/:id",
    {
      ...one,
      schema: {
        ...one.schema,
        summary: "Change a webhook's URL, events, description, or turn it on or off",
        body: UpdateWebhookBody,
        response: { 200: WebhookReply, ...ON_WEBHOOK },
      },
    },
    async (request) => {
      const webhook = await updateWebhook(
        deps,
        adminActor(request),
        request.params.id,
        request.body,
      );
      return ok("Webhook updated.", { webhook: toView(webhook) });
    },
  );

  app.delete(
    "/admin/webhooks/:id",
    {
      ...one,
      schema: {
        ...one.schema,
        summary: "Remove a webhook and its delivery log",
        response: { 200: MessageReply, ...ON_WEBHOOK },
      },
    },
    async (request) => {
      await deleteWebhook(deps, adminActor(request), request.params.id);
      return ok("Webhook removed.");
    },
  );

  app.post(
    "/admin/webhooks/:id/rotate-secret",
    {
      ...one,
      schema: {
        ...one.schema,
        summary: "Replace the signing secret at once; the new one is in this answer only",
        response: { 200: WebhookWithSecretReply, ...ON_WEBHOOK },
      },
    },
    async (request) => {
      const made = await rotateWebhookSecret(deps, adminActor(request), request.params.id);
      return ok("Secret rotated. Deliveries are signed with the new one from now on.", {
        webhook: toView(made.webhook),
        secret: made.secret,
      });
    },
  );

  app.get(
    "/admin/webhooks/:id/deliveries",
    {
      ...one,
      schema: {
        ...one.schema,
        summary: "The endpoint's deliveries, newest first",
        querystring: DeliveriesQuery,
        response: { 200: DeliveryListReply, ...ON_WEBHOOK },
      },
    },
    async (request) => {
      const limit = Number(request.query.limit ?? 50);
      const deliveries = await listWebhookDeliveries(deps, request.params.id, limit);
      return ok("Deliveries.", { deliveries: deliveries.map(toDeliveryView) });
    },
  );

  app.post(
    "/admin/webhooks/:id/deliveries/:deliveryId/retry",
    {
      preHandler,
      schema: {
        ...ADMIN,
        summary: "Send a delivery again now, with a fresh attempt count",
        params: DeliveryParams,
        response: { 202: MessageReply, ...ON_WEBHOOK },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      await retryWebhookDelivery(deps, adminActor(request), id, deliveryId);
      reply.code(202);
      return ok("The delivery is queued again.");
    },
  );

  app.post(
    "/admin/webhooks/:id/test",
    {
      ...one,
      schema: {
        ...one.schema,
        summary: "Queue a webhook.test event for this endpoint",
        response: { 202: MessageReply, ...ON_WEBHOOK },
      },
    },
    async (request, reply) => {
      await sendTestEvent(deps, adminActor(request), request.params.id);
      reply.code(202);
      return ok("A webhook.test event is queued.");
    },
  );
}

function toView(webhook: WebhookEndpoint) {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    description: webhook.description,
    enabled: webhook.enabled,
    disabledReason: webhook.disabledReason,
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

function toDeliveryView(delivery: WebhookDelivery) {
  const open = delivery.status === "pending" || delivery.status === "sending";
  return {
    id: delivery.id,
    event: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastError: delivery.lastError,
    nextAttemptAt: open ? delivery.nextAttemptAt.toISOString() : null,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}
