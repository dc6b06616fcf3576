import { performance } from "node:perf_hooks";
import autocannon, { type Options, type Request, type Result } from "autocannon";
import { UNCONFIRMED_FACTOR_TTL_MS } from "../src/methods/totp/store-port.js";
import { codeAt } from "../src/methods/totp/totp.js";
import type { SoftwareAuthenticator } from "../test/helpers/software-authenticator.js";
import type { ScenarioName } from "./args.js";
import { type ConfirmItem, mintAccessTokens, type VerifyItem } from "./mfa-seed.js";
import { type BenchOidc, type CallbackItem, oidcCallback } from "./oidc-seed.js";
import { seedPasskeys } from "./passkey-seed.js";
import { BENCH_PASSWORD, benchEmail, type SeededUser } from "./seed.js";
import { cpuSeconds, sampleRss } from "./server.js";
import { runFanout, subscribeSignUps } from "./webhook-scenarios.js";

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
  /** Requests a second pre-made for each second-factor scenario (--mfa-rate). */
  mfaRate: number;
  /** The second-factor scenarios' pre-made requests (bench/mfa-seed.ts), each used once. */
  mfaVerify: Pool<VerifyItem>;
  mfaConfirm: Pool<ConfirmItem>;
  /** When those were written: an unconfirmed factor can be confirmed for 15 minutes. */
  mfaSeededAt: Date | null;
  /**
   * passkey-login: one software authenticator per seeded user, registered in its `prepare`;
   * each connection of a run signs with one of its own, so its counter only goes up.
   */
  passkeys: SoftwareAuthenticator[];
  /** Sign-ins answered 200 so far (passkey-login), read around its measured run. */
  signIns: { count: number };
  /** oidc-callback: the provider (null when the scenario is not run) and its prepared sign-ins. */
  oidc: BenchOidc | null;
  oidcCallbacks: Pool<CallbackItem>;
  /** Callbacks that did not send the browser to the app with a code. */
  oidcWrong: { count: number };
}

/**
 * oidc-callback's sign-ins a second, at most: each is walked through the provider before the
 * run (tens of ms in the bench process). And at most this many in all: the provider keeps
 * its state in an LRU cache of 1,000 entries (oidc-provider's development adapter), about six
 * a sign-in, and drops the oldest codes beyond it (the callback then fails: PROVIDER_ERROR).
 */
const OIDC_RATE = 40;
const OIDC_MAX_SIGN_INS = 120;

/**
 * Requests that can be sent once each (a challenge, an enrolment), taken in order by every
 * connection of the warm-up and then of the measured run. A run is sent at most what is left
 * (autocannon's maxOverallRequests), so it stops early rather than send a spent one.
 */
export class Pool<T> {
  private next = 0;
  /** Requests built past the end: each resent a spent item (a 4xx). Should stay 0. */
  overdrawn = 0;

  constructor(private readonly items: readonly T[]) {}

  get remaining(): number {
    return Math.max(0, this.items.length - this.next);
  }

  get size(): number {
    return this.items.length;
  }

  take(): T {
    const item = this.items[this.next] ?? this.items[this.items.length - 1];
    if (this.next >= this.items.length) this.overdrawn++;
    this.next++;
    if (item === undefined) throw new Error("an empty pool: were the second factors seeded?");
    return item;
  }
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
  /**
   * Second-factor scenarios: the measured run sent every request made for it and stopped
   * before --duration (req/s then counts the last second's idle tail; CPU/request holds).
   */
  ranOut?: boolean;
  /**
   * passkey-login: completed sign-ins (options, then login answered 200) of the measured run,
   * and the server's CPU per sign-in (all threads, and the event loop's part).
   */
  signIns?: number;
  cpuMsPerSignIn?: number;
  loopMsPerSignIn?: number;
  /** A second measured run of part of the scenario alone (passkey-login: the options). */
  part?: PartResult;
  /** webhook-fanout: events per second from the first verified delivery to the last. */
  firstToLastPerSecond?: number;
}

export interface PartResult extends Measured {
  label: string;
  serverCpuMsPerRequest: number;
  loopCpuMsPerRequest: number;
  serverCores: number;
}

interface Scenario {
  description: string;
  /**
   * Before the warm-up, not measured: what the scenario's requests need from the server. What
   * it answers runs after the measured run (undoing what would skew the next scenario).
   */
  prepare?(context: ScenarioContext): Promise<void | (() => Promise<void>)>;
  /** Measures on its own rather than through autocannon loads (webhook-fanout). */
  run?(context: ScenarioContext): Promise<ScenarioResult>;
  /** The autocannon runs of `seconds`, started together; the first is the one reported. */
  load(context: ScenarioContext, seconds: number): Omit<Options, "url" | "duration">[];
  /**
   * Measured again after the main run, for --duration, on its own: a part of the main load,
   * so the cost of each of its routes can be told apart (the server's CPU is per process).
   */
  part?: {
    label: string;
    load(context: ScenarioContext): Omit<Options, "url" | "duration">[];
  };
  /** The main load's requests come in pairs that make one sign-in: report per sign-in too. */
  perSignIn?: boolean;
  /** The status every answer must have, when not 2xx (a redirect). */
  expectStatus?: number;
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

/**
 * At most what the pool has left, and what --mfa-rate sized it for: the warm-up cannot use
 * the measured run's share. Fewer than one request a connection is a setup error (autocannon
 * reads a per-connection share of 0 as "no limit").
 */
function oncePerRequest<T>(
  name: ScenarioName,
  pool: Pool<T>,
  context: ScenarioContext,
  seconds: number,
  request: Request,
  rate = context.mfaRate,
): Omit<Options, "url" | "duration"> {
  const limit = Math.min(pool.remaining, Math.ceil(rate * seconds));
  if (limit < context.connections) {
    throw new Error(
      `${name}: ${pool.remaining} of ${pool.size} pre-made requests left for ${context.connections} connections; raise --mfa-rate`,
    );
  }
  return { connections: context.connections, maxOverallRequests: limit, requests: [request] };
}

/** A sign-in's second step: a fresh challenge each time, with its user's current code. */
function mfaVerify(context: ScenarioContext): Request {
  return {
    method: "POST",
    path: "/auth/mfa/verify",
    headers: JSON_HEADERS,
    setupRequest: (request) => {
      const item = context.mfaVerify.take();
      const code = codeAt(item.secret, new Date());
      return {
        ...request,
        body: JSON.stringify({ mfaToken: item.mfaToken, method: "totp", code }),
      };
    },
  };
}

/** A first authenticator confirmed: each request another user's enrolment and session. */
function mfaConfirm(context: ScenarioContext): Request {
  return {
    method: "POST",
    headers: JSON_HEADERS,
    setupRequest: (request) => {
      const item = context.mfaConfirm.take();
      return {
        ...request,
        path: `/auth/mfa/totp/${item.factorId}/confirm`,
        headers: { ...request.headers, authorization: `Bearer ${item.accessToken ?? "unset"}` },
        body: JSON.stringify({ code: codeAt(item.secret, new Date()) }),
      };
    },
  };
}

const PASSKEY_OPTIONS: Request = {
  method: "POST",
  path: "/auth/passkeys/login/options",
  headers: JSON_HEADERS,
  body: "{}",
};

interface DeviceSlot {
  device: number;
}

/**
 * A usernameless passkey sign-in, as a browser makes it: POST the options, sign their
 * challenge, POST the assertion. The signature costs the bench's CPU, not the server's.
 * autocannon deep-copies `requests` per connection, so each connection's copy of `slot`
 * holds the authenticator it took on its first sign-in; one request in flight a connection
 * means each authenticator's counter reaches the server in the order it went up.
 */
function passkeySignIn(context: ScenarioContext): Request[] {
  const devices = context.passkeys;
  if (devices.length < context.connections) {
    throw new Error(
      `passkey-login: ${devices.length} passkeys for ${context.connections} connections`,
    );
  }
  let next = 0;
  const slot: DeviceSlot = { device: -1 };
  return [
    {
      ...PASSKEY_OPTIONS,
      onResponse: (status, body, requestContext) => {
        requestContext.challenge =
          status === 200 ? (JSON.parse(body) as { challenge: string }).challenge : "refused";
      },
    },
    {
      method: "POST",
      path: "/auth/passkeys/login",
      headers: JSON_HEADERS,
      slot,
      setupRequest: (request, requestContext) => {
        const own = (request as { slot: DeviceSlot }).slot;
        if (own.device < 0) own.device = next++;
        const device = devices[own.device] as SoftwareAuthenticator;
        const challenge = String(requestContext.challenge ?? "none");
        return { ...request, body: JSON.stringify({ response: device.assert({ challenge }) }) };
      },
      onResponse: (status) => {
        if (status === 200) context.signIns.count++;
      },
    },
  ];
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
  "mfa-verify": {
    description:
      "POST /auth/mfa/verify with a TOTP code: each request a new user's live challenge (made before the server started) and the current code",
    load: (context, seconds) => [
      oncePerRequest("mfa-verify", context.mfaVerify, context, seconds, mfaVerify(context)),
    ],
  },
  "mfa-confirm": {
    description:
      "POST /auth/mfa/totp/:factorId/confirm: each request a new user's first, unconfirmed authenticator and the current code",
    prepare: async (context) => {
      const age = context.mfaSeededAt ? Date.now() - context.mfaSeededAt.getTime() : 0;
      // Confirming needs a factor made within the last 15 minutes (store-port.ts).
      if (age + (context.warmup + context.duration + 60) * 1000 > UNCONFIRMED_FACTOR_TTL_MS) {
        throw new Error("mfa-confirm: the enrolments were seeded too long ago; run it alone");
      }
      // Access tokens last 15 minutes too: minted now, from the seeded sessions.
      const items: ConfirmItem[] = [];
      for (let left = context.mfaConfirm.remaining; left > 0; left--) {
        items.push(context.mfaConfirm.take());
      }
      await mintAccessTokens(context.url, items);
      context.mfaConfirm = new Pool(items);
    },
    load: (context, seconds) => [
      oncePerRequest("mfa-confirm", context.mfaConfirm, context, seconds, mfaConfirm(context)),
    ],
  },
  "passkey-login": {
    description:
      "POST /auth/passkeys/login/options, the authenticator signs the challenge (bench CPU), POST /auth/passkeys/login: each connection one user's passkey (registered through the API before the warm-up), UV, counter up by one each time",
    prepare: async (context) => {
      context.passkeys = await seedPasskeys(context.url, Math.max(64, context.connections * 4));
    },
    load: (context) => [{ connections: context.connections, requests: passkeySignIn(context) }],
    part: {
      label: "options alone",
      load: ({ connections }) => [{ connections, requests: [PASSKEY_OPTIONS] }],
    },
    perSignIn: true,
  },
  "register-webhook": {
    description:
      "register, with one enabled endpoint subscribed to user.created: each sign-up also writes its event to the webhook outbox (held there: the receiver leaves the worker's first batch unanswered, so the CPU is the writing, not the sending)",
    prepare: subscribeSignUps,
    load: ({ connections }) => [{ connections, requests: [register()] }],
  },
  "webhook-fanout": {
    description: "see bench/webhook-scenarios.ts",
    load: () => [],
    run: runFanout,
  },
  "oidc-callback": {
    description:
      "GET /auth/oauth/bench/callback?code&state with the sign-in's cookies: each request one sign-in walked through the in-process OpenID Provider before the warm-up; the server exchanges the code at the provider, verifies the ID token, finds one of 16 users (signed up through the provider before the run), and redirects to the app with a one-use code",
    prepare: async (context) => {
      if (!context.oidc) throw new Error("oidc-callback: the provider was not started");
      const count = Math.min(
        OIDC_MAX_SIGN_INS,
        Math.ceil(OIDC_RATE * (context.warmup + context.duration)),
      );
      context.oidcCallbacks = new Pool(await context.oidc.prepare(context.url, count));
    },
    load: (context, seconds) => [
      oncePerRequest(
        "oidc-callback",
        context.oidcCallbacks,
        context,
        seconds,
        oidcCallback(() => context.oidcCallbacks.take(), context.oidcWrong),
        // Spread over the warm-up and the run alike.
        context.oidcCallbacks.size / (context.warmup + context.duration),
      ),
    ],
    expectStatus: 302,
  },
};

/** A warm-up (not recorded), then the measured run, with the server's RSS polled throughout. */
export async function runScenario(
  name: ScenarioName,
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const scenario = SCENARIOS[name];
  if (scenario.run) return scenario.run(context);
  const undo = await scenario.prepare?.(context);
  const wrongBefore = context.oidcWrong.count;
  const rss = sampleRss(context.pid);
  if (context.warmup > 0) {
    await runAll(context, scenario.load(context, context.warmup), context.warmup);
  }
  const loads = scenario.load(context, context.duration);
  const signInsBefore = context.signIns.count;
  const cpuBefore = cpuSeconds(context.pid);
  const loopBefore = cpuSeconds(context.pid, "main");
  const startedAt = performance.now();
  const [main, background] = await runAll(context, loads, context.duration);
  const cpu = cpuSeconds(context.pid) - cpuBefore;
  const loop = cpuSeconds(context.pid, "main") - loopBefore;
  const wall = (performance.now() - startedAt) / 1000;
  const signIns = context.signIns.count - signInsBefore;
  const part = scenario.part ? await measurePart(context, scenario.part) : undefined;
  const memory = rss.stop();
  if (undo) await undo();
  if (!main) throw new Error(`scenario ${name} produced no result`);
  if (scenario.expectStatus !== undefined) {
    // autocannon counts a redirect as non-2xx: here the failures are the other answers.
    const expected = main.statusCodes[String(scenario.expectStatus)] ?? 0;
    main.non2xx = main.requests - expected + (context.oidcWrong.count - wrongBefore);
  }
  const requests = Math.max(1, main.requests + (background ? background.requests : 0));
  const limit = loads[0]?.maxOverallRequests;
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
    ...(limit !== undefined ? { ranOut: main.requests >= limit } : {}),
    ...(scenario.perSignIn
      ? {
          signIns,
          cpuMsPerSignIn: (cpu * 1000) / Math.max(1, signIns),
          loopMsPerSignIn: (loop * 1000) / Math.max(1, signIns),
        }
      : {}),
    ...(part ? { part } : {}),
  };
}

/** The scenario's part alone, for --duration, right after the main run (already warm). */
async function measurePart(
  context: ScenarioContext,
  part: NonNullable<Scenario["part"]>,
): Promise<PartResult> {
  const cpuBefore = cpuSeconds(context.pid);
  const loopBefore = cpuSeconds(context.pid, "main");
  const startedAt = performance.now();
  const [measured] = await runAll(context, part.load(context), context.duration);
  const cpu = cpuSeconds(context.pid) - cpuBefore;
  const loop = cpuSeconds(context.pid, "main") - loopBefore;
  const wall = (performance.now() - startedAt) / 1000;
  if (!measured) throw new Error(`${part.label} produced no result`);
  const requests = Math.max(1, measured.requests);
  return {
    label: part.label,
    ...measured,
    serverCpuMsPerRequest: (cpu * 1000) / requests,
    loopCpuMsPerRequest: (loop * 1000) / requests,
    serverCores: cpu / wall,
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
