import { createHmac, randomBytes } from "node:crypto";

/**
 * Standard Webhooks (standardwebhooks.com, "Signature scheme"): the secret is `whsec_`
 * followed by base64 of its key bytes; the signature is `v1,` and base64 of
 * HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>").
 */
export const SECRET_PREFIX = "whsec_";

/** 32 random bytes: the spec asks for 24 to 64; 32 is HMAC-SHA256's block-safe key size. */
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

/** The key bytes of a `whsec_` secret. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, "base64");
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three headers of one attempt; the timestamp is the attempt's, in whole seconds. */
export function signWebhook(secret: string, id: string, at: Date, body: string): SignedHeaders {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const mac = createHmac("sha256", secretKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${mac}` };
}

/**
 * The secret box's associated data for an endpoint's secret: a sealed secret copied to
 * another endpoint's row does not open there.
 */
export function secretContext(endpointId: string): string {
  return `webhook-secret:${endpointId}`;
}
