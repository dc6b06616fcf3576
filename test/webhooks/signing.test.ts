import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signWebhook } from "../../src/webhooks/signing.js";

describe("signWebhook", () => {
  it("signs what the Standard Webhooks reference library verifies, and nothing else", () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: "user.created", timestamp: "t", data: {} });
    const headers = signWebhook(secret, "msg_1", new Date(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
  });

  it("makes secrets of 32 random bytes in the whsec_ format", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});
