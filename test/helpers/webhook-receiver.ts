import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request the receiver got, and whether it verified with the path's secret then. */
export interface ReceivedWebhook {
  path: string;
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  /** What was answered: a status, or "hang" (no answer; the sender's timeout ends it). */
  answer: number | "hang";
}

export interface WebhookReceiver {
  /** The base URL; each endpoint of a test gets a path of its own. */
  url: string;
  received: ReceivedWebhook[];
  /** The secret deliveries to `path` must verify with (Standard Webhooks' Webhook.verify). */
  expectSecret(path: string, secret: string): void;
  /** The next answers for `path`, in turn; once used up, 204. */
  answer(path: string, ...answers: (number | "hang")[]): void;
  /** Forgets the answers not used yet: 204 from now on. */
  clearAnswers(path: string): void;
  /** Deliveries to `path` that were answered 2xx and verified, parsed. */
  delivered(path: string): { type: string; timestamp: string; data: WebhookData }[];
  close(): Promise<void>;
}

export interface WebhookData {
  user?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Whether `secret` verifies this request with the standardwebhooks reference library. */
export function verifiesWith(secret: string, request: ReceivedWebhook): boolean {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** A real HTTP receiver on 127.0.0.1, as an app behind a webhook would run one. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, string>();
  const plans = new Map<string, (number | "hang")[]>();
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const answer = plans.get(path)?.shift() ?? 204;
      const entry: ReceivedWebhook = {
        path,
        id: String(request.headers["webhook-id"]),
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        verified: false,
        answer,
      };
      const secret = secrets.get(path);
      entry.verified = secret !== undefined && verifiesWith(secret, entry);
      received.push(entry);
      if (answer === "hang") {
        hanging.push(response);
        return;
      }
      response.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    expectSecret: (path, secret) => secrets.set(path, secret),
    answer: (path, ...answers) => plans.set(path, [...(plans.get(path) ?? []), ...answers]),
    clearAnswers: (path) => plans.delete(path),
    delivered: (path) =>
      received
        .filter((r) => r.path === path && r.verified && typeof r.answer === "number")
        .filter((r) => typeof r.answer === "number" && r.answer >= 200 && r.answer < 300)
        .map((r) => JSON.parse(r.body)),
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
