import { performance } from "node:perf_hooks";
import autocannon, { type Options, type Request, type Result } from "autocannon";
import type { ScenarioName } from "./args.js";
import { BENCH_PASSWORD, benchEmail, type SeededUser } from "./seed.js";
import { cpuSeconds, sampleRss } from "./server.js";

export interface ScenarioContext {
  url: string;
  pid: number;
  connections: number;
  duration: number;
  warmup: number;
  mixedRate: number;
  users: readonly SeededUser[];
  /** Unspent refresh tokens; each refresh chain takes one and follows it. */
  refreshTokens: string[];
}

export interface Measured {
  connections: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export interface ScenarioResult extends Measured {
  name: ScenarioName;
  description: string;
  /** Polled VmRSS of the server, warm-up included. */
  peakRssMiB: number;
  /** VmHWM: the server's peak since it started, whatever scenario set it. */
  hwmMiB: number;
  /**
   * Server CPU time (all threads) per completed request of the measured run, in ms. Unlike
   * req/s it hardly moves when other processes share the machine: compare changes with it.
   */
  serverCpuMsPerRequest: number;
  /** The part of it on the event loop's thread, the one every request shares. */
  loopCpuMsPerRequest: number;
  /** Cores the server kept busy on average during the measured run. */
  serverCores: number;
  /** Mixed only: the login load that kept the cores busy while /auth/me was measured. */
  background?: Measured;
}

interface Scenario {
  description: string;
  /** The autocannon runs, started together; the first is the one reported. */
  load(context: ScenarioContext): Omit<Options, "url" | "duration">[];
}

const JSON_HEADERS = { "content-type": "application/json" };

/** Round-robin over a list, shared by every connection of a run. */
function cycle<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error("nothing to cycle over: were the users seeded?");
  let next = 0;
  return () => items[next++ % items.length] as T;
}

function bearerMe(context: ScenarioContext): Request {
  const token = cycle(context.users.map((user) => user.accessToken));
  return {
    method: "GET",
    path: "/auth/me",
    setupRequest: (request) => ({
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${token()}` },
    }),
  };
}

function login(context: ScenarioContext): Request {
  const email = cycle(context.users.map((user) => user.email));
  return {
    method: "POST",
    path: "/auth/login",
    headers: JSON_HEADERS,
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ email: email(), password: BENCH_PASSWORD }),
    }),
  };
}

interface Chain {
  token: string | null;
}

/**
 * Every connection follows its own rotation chain: the refreshToken of each answer is the
 * one presented next. autocannon deep-copies `requests` per connection and resets `context`
 * between loops, so the chain lives in the request's own `chain` object, which each
 * connection's copy keeps for the whole run; setupRequest hands it to onResponse via context.
 */
function refreshChain(context: ScenarioContext): Request {
  const chain: Chain = { token: null };
  return {
    method: "POST",
    path: "/auth/refresh",
    headers: JSON_HEADERS,
    chain,
    setupRequest: (request, requestContext) => {
      const own = (request as { chain: Chain }).chain;
      own.token ??= context.refreshTokens.pop() ?? null;
      requestContext.chain = own;
      return { ...request, body: JSON.stringify({ refreshToken: own.token ?? "spent" }) };
    },
    onResponse: (status, body, requestContext) => {
      const own = requestContext.chain as Chain;
      // A broken chain (should not happen) starts over from a fresh token, and is counted.
      own.token =
        status === 200 ? (JSON.parse(body) as { refreshToken: string }).refreshToken : null;
    },
  };
}

let signups = 0;

function register(): Request {
  return {
    method: "POST",
    path: "/auth/register",
    headers: JSON_HEADERS,
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ email: benchEmail("signup", signups++), password: BENCH_PASSWORD }),
    }),
  };
}

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  baseline: {
    description: "GET /healthz: a route that does no I/O, Fastify plus Latchkey's hooks",
    load: ({ connections }) => [{ connections, requests: [{ method: "GET", path: "/healthz" }] }],
  },
  jwks: {
    description: "GET /.well-known/jwks.json",
    load: ({ connections }) => [
      { connections, requests: [{ method: "GET", path: "/.well-known/jwks.json" }] },
    ],
  },
  me: {
    description: "GET /auth/me with a Bearer access token of a seeded user",
    load: (context) => [{ connections: context.connections, requests: [bearerMe(context)] }],
  },
  refresh: {
    description: "POST /auth/refresh, each connection following its own rotation chain",
    load: (context) => [{ connections: context.connections, requests: [refreshChain(context)] }],
  },
  login: {
    description: "POST /auth/login with the right password, round-robin over seeded users",
    load: (context) => [{ connections: context.connections, requests: [login(context)] }],
  },
  register: {
    description: "POST /auth/register with a new email each time (verification off: tokens)",
    load: ({ connections }) => [{ connections, requests: [register()] }],
  },
  mixed: {
    description:
      "GET /auth/me at a fixed rate (4 connections) while POST /auth/login saturates the cores",
    load: (context) => [
      { connections: 4, overallRate: context.mixedRate, requests: [bearerMe(context)] },
      { connections: context.connections, requests: [login(context)] },
    ],
  },
};

/** A warm-up (not recorded), then the measured run, with the server's RSS polled throughout. */
export async function runScenario(
  name: ScenarioName,
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const scenario = SCENARIOS[name];
  const rss = sampleRss(context.pid);
  if (context.warmup > 0) await runAll(context, scenario.load(context), context.warmup);
  const cpuBefore = cpuSeconds(context.pid);
  const loopBefore = cpuSeconds(context.pid, "main");
  const startedAt = performance.now();
  const [main, background] = await runAll(context, scenario.load(context), context.duration);
  const cpu = cpuSeconds(context.pid) - cpuBefore;
  const loop = cpuSeconds(context.pid, "main") - loopBefore;
  const wall = (performance.now() - startedAt) / 1000;
  const memory = rss.stop();
  if (!main) throw new Error(`scenario ${name} produced no result`);
  const requests = Math.max(1, main.requests + (background ? background.requests : 0));
  return {
    name,
    description: scenario.description,
    ...main,
    peakRssMiB: memory.peakMiB,
    hwmMiB: memory.hwmMiB,
    serverCpuMsPerRequest: (cpu * 1000) / requests,
    loopCpuMsPerRequest: (loop * 1000) / requests,
    serverCores: cpu / wall,
    ...(background ? { background } : {}),
  };
}

async function runAll(
  context: ScenarioContext,
  loads: Omit<Options, "url" | "duration">[],
  duration: number,
): Promise<Measured[]> {
  const results = await Promise.all(
    loads.map((load) => autocannon({ ...load, url: context.url, duration })),
  );
  return results.map((result, i) => summarize(result, loads[i]?.connections ?? 0));
}

function summarize(result: Result, connections: number): Measured {
  const codes = (result as unknown as { statusCodeStats?: Record<string, { count: number }> })
    .statusCodeStats;
  return {
    connections,
    // Completed requests over the run's real length, rather than the mean of 1 s samples.
    requestsPerSecond: result.requests.total / result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(codes ?? {}).map(([code, stat]) => [code, stat.count]),
    ),
  };
}
