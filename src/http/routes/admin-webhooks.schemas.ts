import { Type } from "typebox";
import { WEBHOOK_EVENTS } from "../../domain/webhook-events.js";
import { SuccessFields } from "../envelope.js";

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  format: "uri",
  description:
    "http(s) URL the events are POSTed to. Refused (400 WEBHOOK_URL_REFUSED) when its host resolves to a loopback, private or link-local address, unless WEBHOOK_ALLOW_PRIVATE=true.",
  examples: ["https://app.example.com/hooks/latchkey"],
});
const Events = Type.Array(Type.String({ maxLength: 64 }), {
  minItems: 1,
  maxItems: WEBHOOK_EVENTS.length,
  description: `Event names (${WEBHOOK_EVENTS.join(", ")}), or ["*"] for all of them.`,
  examples: [["user.created", "user.deleted"], ["*"]],
});
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

export const CreateWebhookBody = Type.Object(
  { url: Url, events: Events, description: Type.Optional(Description) },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Description),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookParams = Type.Object({
  id: Type.String({ maxLength: 64, description: "The webhook's id." }),
});

export const DeliveryParams = Type.Object({
  id: Type.String({ maxLength: 64, description: "The webhook's id." }),
  deliveryId: Type.String({ maxLength: 64, description: "The delivery's id (its webhook-id)." }),
});

export const DeliveriesQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.String({ pattern: "^(?:[1-9][0-9]?|100)$", description: "1 to 100 (default 50)." }),
    ),
  },
  { additionalProperties: false },
);

export const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  description: Description,
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the service turned it off ("410 Gone"); null when enabled or an admin did.',
  }),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

const Secret = Type.String({
  description: "The signing secret (`whsec_` + base64 of 32 bytes): shown this once, keep it.",
});

export const WebhookWithSecretReply = Type.Object({
  ...SuccessFields,
  webhook: WebhookSchema,
  secret: Secret,
});
export const WebhookReply = Type.Object({ ...SuccessFields, webhook: WebhookSchema });
export const WebhookListReply = Type.Object({
  ...SuccessFields,
  webhooks: Type.Array(WebhookSchema),
});

export const DeliverySchema = Type.Object({
  id: Type.String({ description: "Also the webhook-id header the receiver got." }),
  event: Type.String(),
  status: Type.Union([
    Type.Literal("pending"),
    Type.Literal("sending"),
    Type.Literal("delivered"),
    Type.Literal("failed"),
  ]),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "When it is tried next; null once delivered or failed.",
  }),
  createdAt: Type.String({ format: "date-time" }),
  deliveredAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export const DeliveryListReply = Type.Object({
  ...SuccessFields,
  deliveries: Type.Array(DeliverySchema),
});
