import { isUuid, randomId } from "../crypto/random.js";
import { AuthError } from "../errors.js";
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointPatch } from "../storage/ports.js";
import { generateWebhookSecret, secretContext } from "../webhooks/signing.js";
import type { Actor } from "./admin.js";
import type { Deps } from "./deps.js";
import { WEBHOOK_EVENTS, webhookPayload } from "./webhook-events.js";

export interface WebhookInput {
  url: string;
  events: string[];
  description?: string | null | undefined;
}

export interface WebhookChanges {
  url?: string | undefined;
  events?: string[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

/** An endpoint with its secret, which is shown this once (on creation and rotation). */
export interface WebhookWithSecret {
  webhook: WebhookEndpoint;
  secret: string;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);

export async function createWebhook(
  deps: Deps,
  actor: Actor,
  input: WebhookInput,
): Promise<WebhookWithSecret> {
  const url = await acceptableUrl(deps, input.url);
  const events = validEvents(input.events);
  const id = randomId();
  const secret = generateWebhookSecret();
  const webhook = await deps.stores.webhooks.createEndpoint({
    id,
    url,
    events,
    description: input.description ?? null,
    secretSealed: seal(deps, id, secret),
    now: deps.clock(),
  });
  await auditWebhook(deps, actor, "admin.webhook.created", id, { url });
  return { webhook, secret };
}

export function listWebhooks(deps: Deps): Promise<WebhookEndpoint[]> {
  return deps.stores.webhooks.listEndpoints();
}

export async function getWebhook(deps: Deps, id: string): Promise<WebhookEndpoint> {
  const webhook = isUuid(id) ? await deps.stores.webhooks.findEndpoint(id) : null;
  if (!webhook) throw new AuthError("WEBHOOK_NOT_FOUND");
  return webhook;
}

export async function updateWebhook(
  deps: Deps,
  actor: Actor,
  id: string,
  changes: WebhookChanges,
): Promise<WebhookEndpoint> {
  await getWebhook(deps, id);
  const patch: WebhookEndpointPatch = {};
  if (changes.url !== undefined) patch.url = await acceptableUrl(deps, changes.url);
  if (changes.events !== undefined) patch.events = validEvents(changes.events);
  if (changes.description !== undefined) patch.description = changes.description;
  if (changes.enabled !== undefined) patch.enabled = changes.enabled;
  const webhook = await deps.stores.webhooks.updateEndpoint(id, patch, deps.clock());
  if (!webhook) throw new AuthError("WEBHOOK_NOT_FOUND");
  await auditWebhook(deps, actor, "admin.webhook.updated", id, {
    fields: Object.keys(patch).sort().join(","),
  });
  return webhook;
}

export async function deleteWebhook(deps: Deps, actor: Actor, id: string): Promise<void> {
  if (!isUuid(id) || !(await deps.stores.webhooks.deleteEndpoint(id))) {
    throw new AuthError("WEBHOOK_NOT_FOUND");
  }
  await auditWebhook(deps, actor, "admin.webhook.deleted", id, {});
}

/** A new secret at once: deliveries signed from now on use it, the old one stops verifying. */
export async function rotateWebhookSecret(
  deps: Deps,
  actor: Actor,
  id: string,
): Promise<WebhookWithSecret> {
  await getWebhook(deps, id);
  const secret = generateWebhookSecret();
  const webhook = await deps.stores.webhooks.updateEndpoint(
    id,
    { secretSealed: seal(deps, id, secret) },
    deps.clock(),
  );
  if (!webhook) throw new AuthError("WEBHOOK_NOT_FOUND");
  await auditWebhook(deps, actor, "admin.webhook.secret_rotated", id, {});
  return { webhook, secret };
}

export async function listWebhookDeliveries(
  deps: Deps,
  id: string,
  limit: number,
): Promise<WebhookDelivery[]> {
  await getWebhook(deps, id);
  return deps.stores.webhooks.listDeliveries(id, limit);
}

/** Due now with a fresh attempt count and retry window, whatever became of it before. */
export async function retryWebhookDelivery(
  deps: Deps,
  actor: Actor,
  id: string,
  deliveryId: string,
): Promise<void> {
  await getWebhook(deps, id);
  const retried =
    isUuid(deliveryId) && (await deps.stores.webhooks.retryDelivery(id, deliveryId, deps.clock()));
  if (!retried) throw new AuthError("WEBHOOK_NOT_FOUND", "No such delivery of this webhook.");
  await auditWebhook(deps, actor, "admin.webhook.retried", id, { deliveryId });
}

/** Queues a `webhook.test` event for this endpoint alone, whatever its events. */
export async function sendTestEvent(deps: Deps, actor: Actor, id: string): Promise<void> {
  await getWebhook(deps, id);
  const now = deps.clock();
  await deps.stores.webhooks.addEvent(
    {
      type: "webhook.test",
      userId: null,
      payload: webhookPayload("webhook.test", now, { webhookId: id }),
      endpointId: id,
    },
    now,
  );
  await auditWebhook(deps, actor, "admin.webhook.tested", id, {});
}

async function acceptableUrl(deps: Deps, url: string): Promise<string> {
  const refusal = await deps.webhookUrlRefusal(url);
  if (refusal !== null) {
    throw new AuthError("WEBHOOK_URL_REFUSED", undefined, [
      { field: "url", message: `The URL ${refusal}.` },
    ]);
  }
  return url;
}

function validEvents(events: string[]): string[] {
  const unique = [...new Set(events)];
  const unknown = unique.filter((event) => event !== "*" && !KNOWN_EVENTS.has(event));
  if (unique.length === 0 || unknown.length > 0 || (unique.includes("*") && unique.length > 1)) {
    throw new AuthError("VALIDATION_FAILED", undefined, [
      {
        field: "events",
        message: `Name events from ${WEBHOOK_EVENTS.join(", ")}, or give ["*"] for all.`,
      },
    ]);
  }
  return unique;
}

function seal(deps: Deps, id: string, secret: string): string {
  return deps.secrets.seal(Buffer.from(secret, "utf8"), secretContext(id));
}

function auditWebhook(
  deps: Deps,
  actor: Actor,
  type: `admin.webhook.${string}`,
  webhookId: string,
  details: Record<string, string>,
): Promise<void> {
  return deps.audit({
    type,
    outcome: "success",
    actorId: actor.id,
    ...(actor.client ? { client: actor.client } : {}),
    details: { webhookId, ...details },
  });
}
