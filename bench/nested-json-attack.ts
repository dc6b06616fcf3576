import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sleep, startServer } from "./server.js";

/**
 * Issue 13 item 6, reproduced: clients stream bodies of deeply nested arrays at a route
 * while a probe times GET /healthz. Before the per-route limit each body was read whole
 * (BODY_LIMIT, 1 MiB) and parsed on the event loop, and every other request waited.
 *
 *   npx tsx bench/nested-json-attack.ts [--clients 4] [--mib 1] [--rate 6] [--duration 10]
 *
 * Bodies go out chunked (no Content-Length), so the server cannot refuse them by the header
 * alone; each client sends about --rate MB/s. Prints /healthz latency alone and under attack.
 */

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "4" },
    mib: { type: "string", default: "1" },
    rate: { type: "string", default: "6" },
    duration: { type: "string", default: "10" },
    path: { type: "string", default: "/auth/login" },
    // Internal: the attackers run in a process of their own, so the probe's timings
    // measure the server, not this process's own event loop.
    "attack-url": { type: "string" },
  },
});
const CLIENTS = Number(values.clients);
const BODY_BYTES = Math.round(Number(values.mib) * 1024 * 1024);
const RATE_BYTES_PER_S = Number(values.rate) * 1_000_000;
const DURATION_MS = Number(values.duration) * 1000;
const PROBE_INTERVAL_MS = 20;
const CHUNK_BYTES = 64 * 1024;

/** `[[[…]]]`: depth half the size, the shape that costs JSON.parse the most per byte. */
const BODY = Buffer.from(
  `${"[".repeat(BODY_BYTES / 2)}${"]".repeat(BODY_BYTES / 2)}`.slice(0, BODY_BYTES),
);

interface AttackTally {
  sent: number;
  statuses: Map<string, number>;
}

/**
 * One client: send a body at RATE/CLIENTS, stop when answered, start again until `until`.
 * Every chunk written costs its time at that rate, answered or not, so a quick 413 does
 * not turn the attack into a faster one.
 */
async function attacker(url: string, until: number, tally: AttackTally): Promise<void> {
  const perClientRate = RATE_BYTES_PER_S / CLIENTS;
  const pauseMs = (CHUNK_BYTES / perClientRate) * 1000;
  while (Date.now() < until) {
    const started = performance.now();
    let written = 0;
    tally.sent += 1;
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`${url}${values.path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
      });
      let answered = false;
      req.once("response", (res) => {
        answered = true;
        res.resume();
        res.once("end", () => resolve(String(res.statusCode)));
        req.destroy();
      });
      req.once("error", (error: NodeJS.ErrnoException) => {
        if (!answered) resolve(error.code ?? "error");
      });
      void (async () => {
        for (let offset = 0; offset < BODY.length && !answered; offset += CHUNK_BYTES) {
          written += 1;
          if (!req.write(BODY.subarray(offset, offset + CHUNK_BYTES))) {
            await new Promise((r) => req.once("drain", r));
          }
          await sleep(pauseMs);
        }
        if (!answered) req.end();
      })().catch(() => {});
    });
    tally.statuses.set(outcome, (tally.statuses.get(outcome) ?? 0) + 1);
    await sleep(Math.max(0, written * pauseMs - (performance.now() - started)));
  }
}

/** The attack in a child process; resolves with its tally when the duration is over. */
function attackFromAnotherProcess(url: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
      "--attack-url",
      url,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  return new Promise((resolve) => child.once("exit", () => resolve(out.trim())));
}

async function attackOnly(url: string): Promise<void> {
  const until = Date.now() + DURATION_MS;
  const tally: AttackTally = { sent: 0, statuses: new Map() };
  await Promise.all(Array.from({ length: CLIENTS }, () => attacker(url, until, tally)));
  const statuses = [...tally.statuses].map(([s, n]) => `${s}:${n}`).join(" ");
  console.log(`attack requests: ${tally.sent}, answers ${statuses}`);
}

/**
 * GET /healthz every PROBE_INTERVAL_MS until `until`, whether the last one has answered or
 * not (open loop, as users arrive): milliseconds each. A closed loop would send nothing
 * while the server stalls, and its median would hide the stall.
 */
async function probe(url: string, until: number): Promise<number[]> {
  const pending: Promise<number>[] = [];
  while (Date.now() < until) {
    const started = performance.now();
    pending.push(
      fetch(`${url}/healthz`)
        .then((res) => res.arrayBuffer())
        .then(() => performance.now() - started),
    );
    await sleep(PROBE_INTERVAL_MS);
  }
  return Promise.all(pending);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(label: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1).padStart(8);
  return `${label.padEnd(22)} n=${String(sorted.length).padStart(4)}  median ${f(percentile(sorted, 50))} ms  p99 ${f(percentile(sorted, 99))} ms  max ${f(sorted.at(-1) ?? Number.NaN)} ms`;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "latchkey-attack-"));
  const server = await startServer({
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      COOKIE_SECURE: "false",
      RATE_LIMIT_ENABLED: "false",
    },
  });
  try {
    // Warm-up: JIT and the first database round trips are not what is measured.
    await probe(server.url, Date.now() + 1_000);
    const quiet = await probe(server.url, Date.now() + 3_000);
    const attack = attackFromAnotherProcess(server.url);
    // The child needs a moment to start; probe only while the attack runs in full.
    await sleep(1_500);
    const loaded = await probe(server.url, Date.now() + DURATION_MS - 2_000);
    const tally = await attack;
    console.log(
      `${CLIENTS} clients, ${(BODY_BYTES / 1_048_576).toFixed(2)} MiB nested arrays to ${values.path}, ~${values.rate} MB/s in all, ${values.duration} s`,
    );
    console.log(summary("/healthz alone", quiet));
    console.log(summary("/healthz under attack", loaded));
    console.log(tally);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (values["attack-url"]) await attackOnly(values["attack-url"]);
else await main();
