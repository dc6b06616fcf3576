/**
 * `npm run check:timing` (issue 4, item 2): does response time tell whether an email has
 * an account? A real Latchkey (real argon2id parameters, in-memory PGlite, mail to an
 * in-process SMTP sink) answers interleaved requests for a known and for unknown emails
 * on POST /auth/login (wrong password) and POST /auth/forgot-password, and (issue 13,
 * item 11) wrong codes on POST /auth/verify-email and POST /auth/reset-password, both while
 * tries are left (400) and once they are spent (429); the medians of the two groups should
 * differ by less than TARGET_MS. One client, one request at a time.
 * Prints a table and writes results/timing-<date>.json. Exits 0 whatever the verdict.
 *
 * The client runs in a worker thread: a client on the server's own event loop would be
 * slowed by work the server does after its reply has left (forgot-password's lookup),
 * which a remote client never sees.
 */
import { mkdir, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { buildApp } from "../src/app.js";
import { startRuntime } from "../src/composition/runtime.js";
import { loadConfig } from "../src/config/load-config.js";
import { createLogger } from "../src/logging/logger.js";
import { extractCode, startSmtpCapture } from "../test/helpers/smtp-capture.js";

const REQUESTS_PER_ENDPOINT = 200;
/** Discarded first: JIT warm-up, first key use, the known user's first reset mail. */
const WARMUP_PER_ENDPOINT = 20;
const TARGET_MS = 5;
const KNOWN_EMAIL = "timing-known@latchkey.test";
const KNOWN_PASSWORD = "ochre lighthouse parable 2093";
const WRONG_PASSWORD = "not the password at all 4417";

interface EndpointResult {
  endpoint: string;
  expectedStatus: number;
  known: Summary;
  unknown: Summary;
  medianDifferenceMs: number;
  pass: boolean;
}

interface Summary {
  count: number;
  medianMs: number;
  p90Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? Number.NaN;
  return lowValue + (highValue - lowValue) * (rank - low);
}

function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    medianMs: round(percentile(sorted, 0.5)),
    p90Ms: round(percentile(sorted, 0.9)),
    meanMs: round(sorted.reduce((sum, x) => sum + x, 0) / Math.max(sorted.length, 1)),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

async function main(): Promise<void> {
  const smtp = await startSmtpCapture();
  const config = loadConfig({
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    COOKIE_SECURE: "false",
    LOG_LEVEL: "warn",
    SMTP_URL: smtp.url,
    MAIL_FROM: "Latchkey <no-reply@latchkey.test>",
    // One client sends hundreds of failures: limits and their growing delays would be measured instead.
    RATE_LIMIT_ENABLED: "false",
  });
  const logger = createLogger({ logLevel: "warn" });
  // No hasher passed: the real argon2id parameters, as in production.
  const runtime = await startRuntime(config, { logger, database: { kind: "pglite" } });
  const app = buildApp(config, runtime.deps, { ping: runtime.database.ping, logger });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  const client = startClient(base);
  const post = (path: string, body: unknown) => client.post(path, body);

  try {
    // One verified user, through the API and the real mail.
    const registered = await post("/auth/register", {
      email: KNOWN_EMAIL,
      password: KNOWN_PASSWORD,
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
    const code = extractCode(await smtp.waitForMail((m) => m.to.includes(KNOWN_EMAIL)));
    const verified = await post("/auth/verify-email", { email: KNOWN_EMAIL, code });
    if (verified.status !== 200) throw new Error(`verify-email answered ${verified.status}`);

    let unknownSeq = 0;
    const unknownEmail = () => `timing-unknown-${++unknownSeq}@latchkey.test`;

    const measure = (
      endpoint: string,
      expectedStatus: number,
      body: (email: string) => unknown,
    ): Promise<EndpointResult> =>
      measurePair(
        endpoint,
        expectedStatus,
        () => body(KNOWN_EMAIL),
        () => body(unknownEmail()),
      );

    /** Known and unknown requests interleaved; `label` tells rows of one endpoint apart. */
    const measurePair = async (
      endpoint: string,
      expectedStatus: number,
      knownBody: () => unknown,
      unknownBody: () => unknown,
      label = "",
    ): Promise<EndpointResult> => {
      const known: number[] = [];
      const unknown: number[] = [];
      const total = WARMUP_PER_ENDPOINT + REQUESTS_PER_ENDPOINT;
      for (let i = 0; i < total; i++) {
        const isKnown = i % 2 === 0;
        const res = await post(endpoint, isKnown ? knownBody() : unknownBody());
        if (res.status !== expectedStatus) {
          throw new Error(`${endpoint} answered ${res.status}, expected ${expectedStatus}`);
        }
        // Work deferred past the reply (forgot-password's lookup and mail) finishes here,
        // outside the timed window, so it does not slow the next request down.
        await runtime.background.flush();
        await runtime.mail.flush();
        if (i < WARMUP_PER_ENDPOINT) continue;
        (isKnown ? known : unknown).push(res.ms);
      }
      const k = summarize(known);
      const u = summarize(unknown);
      const medianDifferenceMs = round(Math.abs(k.medianMs - u.medianMs));
      return {
        endpoint: `POST ${endpoint}${label}`,
        expectedStatus,
        known: k,
        unknown: u,
        medianDifferenceMs,
        pass: medianDifferenceMs < TARGET_MS,
      };
    };

    // Code routes: a wrong code for an email with a live code, and for an unknown email.
    // CODE_MAX_ATTEMPTS tries per code, so the known side rotates over a pool of accounts
    // and stays under it; the spent side guesses at one burned code and one burned unknown.
    const tries = Math.max(1, config.codeMaxAttempts - 1);
    const pool = Math.ceil((WARMUP_PER_ENDPOINT + REQUESTS_PER_ENDPOINT) / 2 / tries) + 1;
    const wrongCode = "000000";
    const pendingEmails: string[] = [];
    const resetEmails: string[] = [];
    for (let i = 0; i < pool + 1; i++) {
      const pending = `timing-pending-${i}@latchkey.test`;
      const reset = `timing-reset-${i}@latchkey.test`;
      for (const email of [pending, reset]) {
        const res = await post("/auth/register", { email, password: KNOWN_PASSWORD });
        if (res.status !== 201) throw new Error(`register answered ${res.status}`);
      }
      const resetCode = extractCode(await smtp.waitForMail((m) => m.to.includes(reset)));
      await post("/auth/verify-email", { email: reset, code: resetCode });
      await post("/auth/forgot-password", { email: reset, method: "code" });
      await runtime.background.flush();
      pendingEmails.push(pending);
      resetEmails.push(reset);
    }
    await runtime.mail.flush();
    const rotating = (emails: string[]) => {
      let n = 0;
      return () => emails[Math.floor(n++ / tries) % pool] ?? "";
    };
    const nextPending = rotating(pendingEmails);
    const nextReset = rotating(resetEmails);
    const verifyBody = (email: string) => ({ email, code: wrongCode });
    const resetBody = (email: string) => ({ email, code: wrongCode, password: WRONG_PASSWORD });
    // The spent pair: the pool's spare accounts and one unknown email, burned first.
    const burnedPending = pendingEmails[pool] ?? "";
    const burnedReset = resetEmails[pool] ?? "";
    const burnedUnknown = "timing-burned-unknown@latchkey.test";
    for (let i = 0; i < config.codeMaxAttempts; i++) {
      await post("/auth/verify-email", verifyBody(burnedPending));
      await post("/auth/verify-email", verifyBody(burnedUnknown));
      await post("/auth/reset-password", resetBody(burnedReset));
      await post("/auth/reset-password", resetBody(burnedUnknown));
    }

    const results = [
      await measure("/auth/login", 401, (email) => ({ email, password: WRONG_PASSWORD })),
      await measure("/auth/forgot-password", 202, (email) => ({ email })),
      await measurePair(
        "/auth/verify-email",
        400,
        () => verifyBody(nextPending()),
        () => verifyBody(unknownEmail()),
        " (400)",
      ),
      await measurePair(
        "/auth/verify-email",
        429,
        () => verifyBody(burnedPending),
        () => verifyBody(burnedUnknown),
        " (429)",
      ),
      await measurePair(
        "/auth/reset-password",
        400,
        () => resetBody(nextReset()),
        () => resetBody(unknownEmail()),
        " (400)",
      ),
      await measurePair(
        "/auth/reset-password",
        429,
        () => resetBody(burnedReset),
        () => resetBody(burnedUnknown),
        " (429)",
      ),
    ];

    printTable(results);
    const verdict = results.every((r) => r.pass) ? "PASS" : "FAIL";
    console.log(
      `\nverdict: ${verdict} (target: |median known - median unknown| < ${TARGET_MS} ms on each endpoint)`,
    );

    const now = new Date();
    const report = {
      date: now.toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      argon2: { memoryKib: config.argon2MemoryKib, iterations: config.argon2Iterations },
      requestsPerEndpoint: REQUESTS_PER_ENDPOINT,
      warmupPerEndpoint: WARMUP_PER_ENDPOINT,
      targetMs: TARGET_MS,
      verdict,
      results,
    };
    const dir = fileURLToPath(new URL("../results/", import.meta.url));
    await mkdir(dir, { recursive: true });
    const file = `${dir}timing-${now.toISOString().slice(0, 10)}.json`;
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`written: ${file}`);
  } finally {
    await client.close();
    await app.close();
    await runtime.close();
    await smtp.close();
  }
}

/** Plain JavaScript, run in a worker: times one POST per message, from send to last byte. */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
parentPort.on("message", async ({ path, body }) => {
  try {
    const started = performance.now();
    const res = await fetch(workerData.base + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    parentPort.postMessage({ status: res.status, ms: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

interface Timed {
  status: number;
  ms: number;
}

function startClient(base: string) {
  const worker = new Worker(CLIENT_SOURCE, { eval: true, workerData: { base } });
  return {
    post(path: string, body: unknown): Promise<Timed> {
      return new Promise((resolve, reject) => {
        worker.once("message", (answer: Timed & { error?: string }) =>
          answer.error ? reject(new Error(answer.error)) : resolve(answer),
        );
        worker.postMessage({ path, body });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

function printTable(results: EndpointResult[]): void {
  const header = [
    "endpoint",
    "n known/unknown",
    "median known ms",
    "median unknown ms",
    "|difference| ms",
    "p90 known ms",
    "p90 unknown ms",
    "result",
  ];
  const rows = results.map((r) => [
    r.endpoint,
    `${r.known.count}/${r.unknown.count}`,
    r.known.medianMs.toFixed(2),
    r.unknown.medianMs.toFixed(2),
    r.medianDifferenceMs.toFixed(2),
    r.known.p90Ms.toFixed(2),
    r.unknown.p90Ms.toFixed(2),
    r.pass ? "PASS" : "FAIL",
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error("check-timing failed:", error);
    process.exit(1);
  },
);
