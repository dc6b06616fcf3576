import { expect } from "vitest";
import type { StoreUnderTest } from "../helpers/stores.js";
import type { TestServer } from "../helpers/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.js";
import { bootstrapAdminSession, call, expectOk, startAdminServer } from "./admin-support.js";

/** A server, a real receiver verifying every delivery with `standardwebhooks`, an admin. */
export interface WebhookApp {
  server: TestServer;
  receiver: WebhookReceiver;
  admin: string;
  /** A new endpoint on a path of its own, its secret given to the receiver. */
  addEndpoint(events: string[]): Promise<{ id: string; path: string }>;
  /** Sends every due delivery, and answers the events the endpoint got and verified. */
  deliveredTo(path: string): Promise<ReturnType<WebhookReceiver["delivered"]>>;
  close(): Promise<void>;
}

let paths = 0;

export async function startWebhookApp(
  store: StoreUnderTest,
  env: Record<string, string> = {},
): Promise<WebhookApp> {
  const receiver = await startWebhookReceiver();
  // The receiver is on 127.0.0.1; the refusals are tested in webhook-ssrf.test.ts.
  const server = await startAdminServer(store, { WEBHOOK_ALLOW_PRIVATE: "true", ...env });
  const admin = (await bootstrapAdminSession(server)).accessToken;
  return {
    server,
    receiver,
    admin,
    async addEndpoint(events) {
      const path = `/events/${++paths}`;
      const res = await call(server, "POST", "/admin/webhooks", admin, {
        url: receiver.url + path,
        events,
      });
      const body = expectOk(res, 201);
      receiver.expectSecret(path, body.secret);
      return { id: body.webhook.id as string, path };
    },
    async deliveredTo(path) {
      await server.runtime.background.flush();
      await server.runtime.webhooks.flush();
      // Every request to the path verified: none was refused by the receiver's check.
      expect(receiver.received.filter((r) => r.path === path && !r.verified)).toEqual([]);
      return receiver.delivered(path);
    },
    async close() {
      await server.close();
      await receiver.close();
    },
  };
}

/** What no event body may carry: hashes, tokens, codes, secrets, under any casing. */
export function expectNoSecrets(body: string, ...values: string[]): void {
  expect(body).not.toMatch(/hash|token|secret|password"|"code"|recovery/i);
  for (const value of values) expect(body).not.toContain(value);
}
