import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { Writable } from "node:stream";
import { buildApp } from "../../src/app.js";
import { type Runtime, startRuntime } from "../../src/composition/runtime.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { PasswordHasher } from "../../src/crypto/password.js";
import { createPasswordHasher } from "../../src/crypto/password.js";
import type { SignInGate } from "../../src/domain/deps.js";
import type { App } from "../../src/http/types.js";
import { createLogger } from "../../src/logging/logger.js";
import { type SmtpCapture, startSmtpCapture } from "./smtp-capture.js";
import { pgliteSnapshot, type StoreUnderTest } from "./stores.js";

export interface TestClock {
  (): Date;
  /** Moves time forward; expiry is tested this way, never by sleeping. */
  advance(seconds: number): void;
}

export function createTestClock(start = Date.now()): TestClock {
  let now = start;
  const clock = (() => new Date(now)) as TestClock;
  clock.advance = (seconds) => {
    now += seconds * 1000;
  };
  return clock;
}

export interface TestServer {
  url: string;
  app: App;
  runtime: Runtime;
  smtp: SmtpCapture;
  clock: TestClock;
  /** Every log line the server wrote, as text. */
  logs: string[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<JsonResponse>;
  get(path: string, headers?: Record<string, string>): Promise<JsonResponse>;
  close(): Promise<void>;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the server sent.
  body: any;
}

/**
 * One ENCRYPTION_KEY for every server of a test file, as an operator gives one to every
 * instance: without it each server would keep a key file in DATA_DIR, which tests leave at
 * its default (./data in the checkout).
 */
const TEST_ENCRYPTION_KEY = randomBytes(32).toString("hex");

let cheapHasher: Promise<PasswordHasher> | undefined;

/**
 * argon2id at a tiny cost for suites where hashing is not the subject. The real
 * parameters run in test/unit/password.test.ts and test/e2e/real-hashing.test.ts.
 */
export function testHasher(): Promise<PasswordHasher> {
  cheapHasher ??= createPasswordHasher({ memoryKib: 64, iterations: 1 });
  return cheapHasher;
}

export interface TestServerOptions {
  store: StoreUnderTest;
  env?: Record<string, string>;
  realHasher?: boolean;
  /** How often signing keys are re-read (several servers on one database). */
  keyReloadIntervalMs?: number;
  /**
   * Listen here instead of on a random port: a browser test sets PUBLIC_URL and APP_URL
   * to the server's own address, which must be known before the config is loaded.
   */
  port?: number;
  /** Instead of the sign-in methods' own gates. */
  signInGates?: readonly SignInGate[];
  /** How long a webhook receiver has to answer, instead of the contract's 10 s. */
  webhookTimeoutMs?: number;
}

/** A loopback port that was free a moment ago, for `port` (and the URLs built from it). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A real Latchkey listening on a random loopback port, mailing a real in-process SMTP server. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const smtp = await startSmtpCapture();
  const config = loadConfig({
    PORT: "0",
    COOKIE_SECURE: "false",
    LOG_LEVEL: "info",
    SMTP_URL: smtp.url,
    MAIL_FROM: "Latchkey <no-reply@latchkey.test>",
    // Suites send many requests from one address; the rate-limit suites turn limits on.
    RATE_LIMIT_ENABLED: "false",
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger(
    config,
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const clock = createTestClock();
  const made = options.store.target();
  const target =
    made.kind === "pglite" && !made.dir ? { ...made, snapshot: await pgliteSnapshot() } : made;
  const runtime = await startRuntime(config, {
    logger,
    database: target,
    clock,
    purgeIntervalMs: 0,
    // Mail waits in the outbox for the worker: poll often so tests see it soon.
    mailPollMs: 100,
    webhookPollMs: 100,
    ...(options.webhookTimeoutMs ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}),
    ...(options.keyReloadIntervalMs ? { keyReloadIntervalMs: options.keyReloadIntervalMs } : {}),
    ...(options.realHasher ? {} : { hasher: await testHasher() }),
    ...(options.signInGates ? { signInGates: options.signInGates } : {}),
  }).catch(async (error: unknown) => {
    // Leave nothing behind when the start fails: no SMTP server, no schema.
    await smtp.close();
    await options.store.cleanup(target);
    throw error;
  });
  const app = buildApp(config, runtime.deps, {
    ping: runtime.database.ping,
    logger,
    metrics: runtime.metrics,
  });
  const answers = recordAnswers(app);
  await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const request = async (method: string, path: string, body: unknown, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      init.headers = { "content-type": "application/json", ...headers };
    }
    const response = await fetch(url + path, init);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };

  return {
    url,
    app,
    runtime,
    smtp,
    clock,
    logs,
    post: (path, body, headers) => request("POST", path, body, headers),
    get: (path, headers) => request("GET", path, undefined, headers),
    async close() {
      // A suite that already closed the app has nothing more to check.
      const document = await app.inject({ method: "GET", url: "/openapi.json" }).then(
        (response) => response.json() as OpenApiPaths,
        () => undefined,
      );
      const undocumented = document ? undocumentedAnswers(answers, document) : [];
      await app.close();
      await runtime.close();
      await smtp.close();
      await options.store.cleanup(target);
      // After the cleanup, so a suite that fails here leaves nothing behind either.
      if (undocumented.length > 0) {
        throw new Error(
          `Answers whose status the OpenAPI document does not list (src/http/openapi-operations.ts):\n  ${undocumented.join("\n  ")}`,
        );
      }
    },
  };
}

interface OpenApiPaths {
  paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** (method, route, status) of every answer a route gave, for undocumentedAnswers. */
function recordAnswers(app: App): Set<string> {
  const answers = new Set<string>();
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined) return; // No route matched: the 404 handler answered.
    const method = request.method === "HEAD" ? "GET" : request.method;
    answers.add(`${method} ${route} ${reply.statusCode}`);
  });
  return answers;
}

/**
 * Answers of documented operations with a status their document does not list: every
 * suite that uses this server checks the OpenAPI document against what it really saw.
 */
export function undocumentedAnswers(answers: Iterable<string>, document: OpenApiPaths): string[] {
  const found: string[] = [];
  for (const answer of answers) {
    const [method = "", route = "", status = ""] = answer.split(" ");
    const path = route.replace(/:(\w+)/g, "{$1}");
    const operation = document.paths?.[path]?.[method.toLowerCase()];
    if (!operation) continue; // Hidden from the document: pages, /docs, /openapi.json.
    if (!operation.responses?.[status]) found.push(answer);
  }
  return found.sort();
}
