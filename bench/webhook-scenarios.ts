import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { Webhook } from "standardwebhooks";
import type { ScenarioContext, ScenarioResult } from "./scenarios.js";
import { BENCH_PASSWORD } from "./seed.js";
import { cpuSeconds, sampleRss } from "./server.js";

/** The bench server's bootstrap admin (run.ts), who manages the endpoints. */
export const BENCH_ADMIN_EMAIL = "bench-admin@bench.example.com";
export const BENCH_ADMIN_PASSWORD = BENCH_PASSWORD;

/** Events queued for the fan-out run, after a warm-up batch of a tenth of it. */
const FANOUT_EVENTS = 3000;
const FANOUT_TIMEOUT_MS = 180_000;

/**
 * A receiver in the bench process on 127.0.0.1, as an app would run one: it verifies every
 * delivery with the `standardwebhooks` package and answers 204, or, while `holding`, leaves
 * the request unanswered (the server's worker then waits on it, sending nothing else).
 */
interface BenchReceiver {
  url: string;
  secrets: Map<string, string>;
  verified: Map<string, number>;
  refused: number;
  holding: boolean;
  times: Map<string, { first: number; last: number }>;
  release(): void;
  close(): Promise<void>;
}

async function startReceiver(): Promise<BenchReceiver> {
  const held: ServerResponse[] = [];
  const receiver: BenchReceiver = {
    url: "",
    secrets: new Map(),
    verified: new Map(),
    refused: 0,
    holding: false,
    times: new Map(),
    release: () => {
      for (const response of held.splice(0)) response.destroy();
    },
    close: async () => {
      receiver.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (receiver.holding) {
        held.push(response);
        return;
      }
      const path = request.url ?? "/";
      const secret = receiver.secrets.get(path);
      try {
        if (!secret) throw new Error("no secret");
        const body = Buffer.concat(chunks).toString("utf8");
        new Webhook(secret).verify(body, request.headers as Record<string, string>);
      } catch {
        receiver.refused++;
        response.writeHead(400).end();
        return;
      }
      receiver.verified.set(path, (receiver.verified.get(path) ?? 0) + 1);
      const now = performance.now();
      const time = receiver.times.get(path);
      receiver.times.set(path, { first: time?.first ?? now, last: now });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

let shared: { receiver: BenchReceiver; admin: string } | undefined;
let endpoints = 0;

/** The receiver and the admin's token, made on first use and kept for the run. */
async function setUp(context: ScenarioContext) {
  if (shared) return shared;
  const login = await api(context, "POST", "/auth/login", undefined, {
    email: BENCH_ADMIN_EMAIL,
    password: BENCH_ADMIN_PASSWORD,
  });
  shared = { receiver: await startReceiver(), admin: String(login.accessToken) };
  return shared;
}

export async function closeWebhookBench(): Promise<void> {
  await shared?.receiver.close();
  shared = undefined;
}

async function api(
  context: ScenarioContext,
  method: string,
  path: string,
  token?: string,
  body?: object,
): Promise<Record<string, unknown>> {
  const response = await fetch(context.url + path, {
    method,
    headers: {
      ...(body ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** An enabled endpoint for `events` on a path of its own, its secret given to the receiver. */
async function addEndpoint(context: ScenarioContext, events: string[]) {
  const { receiver, admin } = await setUp(context);
  const path = `/bench/${++endpoints}`;
  const made = await api(context, "POST", "/admin/webhooks", admin, {
    url: receiver.url + path,
    events,
  });
  receiver.secrets.set(path, String(made.secret));
  return { id: String((made.webhook as { id: string }).id), path };
}

/**
 * register-webhook, before its warm-up: one endpoint subscribed to user.created, whose
 * receiver holds its first deliveries unanswered, so the worker sends nothing more during the
 * run and the CPU measured is the sign-ups' and their events' writing, not their sending
 * (webhook-fanout measures that).
 */
export async function subscribeSignUps(context: ScenarioContext): Promise<() => Promise<void>> {
  const hook = await addEndpoint(context, ["user.created"]);
  const { receiver, admin } = await setUp(context);
  receiver.holding = true;
  return async () => {
    // Its queued deliveries go with it: the next scenario starts from an empty outbox.
    await api(context, "DELETE", `/admin/webhooks/${hook.id}`, admin);
    receiver.holding = false;
    receiver.release();
  };
}

/**
 * webhook-fanout: FANOUT_EVENTS test events queued for a disabled endpoint (POST
 * /admin/webhooks/:id/test writes one whatever the endpoint's state), then the endpoint is
 * enabled and timed until the receiver has verified every one. The server's worker (batches
 * of 20, one drain at a time, its poll every MAIL_POLL_INTERVAL) does all the sending.
 */
export async function runFanout(context: ScenarioContext): Promise<ScenarioResult> {
  const { admin, receiver } = await setUp(context);
  const rss = sampleRss(context.pid);
  await fanout(context, admin, receiver, Math.round(FANOUT_EVENTS / 10)); // warm-up
  const cpuBefore = cpuSeconds(context.pid);
  const loopBefore = cpuSeconds(context.pid, "main");
  const run = await fanout(context, admin, receiver, FANOUT_EVENTS);
  const cpu = cpuSeconds(context.pid) - cpuBefore;
  const loop = cpuSeconds(context.pid, "main") - loopBefore;
  const memory = rss.stop();
  return {
    name: "webhook-fanout",
    description: `${FANOUT_EVENTS} events queued, then delivered by one instance's worker to a receiver on 127.0.0.1 that verifies each signature (standardwebhooks) and answers 204; req/s: events delivered per second from enabling the endpoint to the last verified; CPU: the server's per event`,
    connections: 0,
    requestsPerSecond: FANOUT_EVENTS / run.seconds,
    latencyMs: { p50: 0, p90: 0, p99: 0, max: 0 },
    requests: FANOUT_EVENTS,
    non2xx: receiver.refused,
    errors: 0,
    timeouts: 0,
    statusCodes: { "204": FANOUT_EVENTS },
    peakRssMiB: memory.peakMiB,
    hwmMiB: memory.hwmMiB,
    serverCpuMsPerRequest: (cpu * 1000) / FANOUT_EVENTS,
    loopCpuMsPerRequest: (loop * 1000) / FANOUT_EVENTS,
    serverCores: cpu / run.seconds,
    firstToLastPerSecond: FANOUT_EVENTS / run.firstToLastSeconds,
  };
}

async function fanout(
  context: ScenarioContext,
  admin: string,
  receiver: BenchReceiver,
  events: number,
): Promise<{ seconds: number; firstToLastSeconds: number }> {
  const hook = await addEndpoint(context, ["user.created"]);
  await api(context, "PATCH", `/admin/webhooks/${hook.id}`, admin, { enabled: false });
  const queued = await autocannon({
    url: context.url,
    connections: context.connections,
    // Stops once every event is queued; the duration only bounds a stuck run.
    maxOverallRequests: events,
    duration: 600,
    requests: [
      {
        method: "POST",
        path: `/admin/webhooks/${hook.id}/test`,
        headers: { authorization: `Bearer ${admin}` },
      },
    ],
  });
  if (queued.non2xx + queued.errors > 0)
    throw new Error("webhook-fanout: a test event was refused");
  const startedAt = performance.now();
  await api(context, "PATCH", `/admin/webhooks/${hook.id}`, admin, { enabled: true });
  while ((receiver.verified.get(hook.path) ?? 0) < events) {
    if (performance.now() - startedAt > FANOUT_TIMEOUT_MS) {
      throw new Error(
        `webhook-fanout: ${receiver.verified.get(hook.path) ?? 0} of ${events} delivered`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const endedAt = performance.now();
  const times = receiver.times.get(hook.path);
  await api(context, "DELETE", `/admin/webhooks/${hook.id}`, admin);
  return {
    seconds: (endedAt - startedAt) / 1000,
    firstToLastSeconds: times ? Math.max(0.001, (times.last - times.first) / 1000) : Number.NaN,
  };
}
