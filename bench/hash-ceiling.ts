// `npm run bench:hash-ceiling`: how close to the hash bound any server gets on this machine.
// Issue 20 asks login for 90 % of the bound (hashes a second with one hash per core at once,
// nothing else running). A login also needs HTTP, a body, a database and tokens, on the same
// cores, and the load generator runs there too. This loads a server that does nothing but
// the hash (bench/hash-ceiling-server.mjs) exactly as the login scenario loads Latchkey, so
// the note can say how much of the gap is the machine and how much is Latchkey.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { measureHashBound } from "./hash-bound.js";
import { cpuSeconds, freePort, REPO_ROOT, sampleRss, startArguments } from "./server.js";

const PASSWORD = "correct horse battery staple 20";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "8" },
      warmup: { type: "string", default: "2" },
      connections: { type: "string", default: "16" },
      "hash-samples": { type: "string", default: "40" },
    },
  });
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  // The ceiling server reads the same two variables (it inherits this environment).
  const params = {
    memoryKib: Number(process.env.ARGON2_MEMORY_KIB ?? 19_456),
    iterations: Number(process.env.ARGON2_ITERATIONS ?? 2),
  };
  const samples = Number(values["hash-samples"]);
  const before = await measureHashBound(params, samples);

  const port = await freePort();
  const server = await startCeilingServer(port);
  try {
    const url = `http://127.0.0.1:${port}/login`;
    const load = {
      url,
      connections,
      method: "POST" as const,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ceiling@example.com", password: PASSWORD }),
    };
    if (warmup > 0) await autocannon({ ...load, duration: warmup });
    const pid = server.pid ?? -1;
    const rss = sampleRss(pid);
    const cpuBefore = cpuSeconds(pid);
    const loopBefore = cpuSeconds(pid, "main");
    const startedAt = performance.now();
    const result = await autocannon({ ...load, duration });
    const wall = (performance.now() - startedAt) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const loop = cpuSeconds(pid, "main") - loopBefore;
    const memory = rss.stop();
    const after = await measureHashBound(params, samples);
    const bound = Math.max(before.hashesPerSecond, after.hashesPerSecond);
    const rate = result.requests.total / result.duration;
    const failures = result.non2xx + result.errors + result.timeouts;
    console.log(
      JSON.stringify(
        {
          boundHashesPerSecond: round(bound),
          ceilingRequestsPerSecond: round(rate),
          ofBound: `${round((100 * rate) / bound)} %`,
          serverCpuMsPerRequest: round((cpu * 1000) / result.requests.total),
          eventLoopCpuMsPerRequest: round((loop * 1000) / result.requests.total),
          serverCores: round(cpu / wall),
          p99Ms: result.latency.p99,
          peakRssMiB: round(memory.peakMiB),
          failures,
        },
        null,
        2,
      ),
    );
    if (failures > 0) process.exitCode = 1;
  } finally {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
}

/** The ceiling server with `npm start`'s node flags, so its threads and heap are the server's. */
async function startCeilingServer(port: number): Promise<ChildProcess> {
  const flags = startArguments().slice(0, -1);
  const child = spawn(process.execPath, [...flags, "bench/hash-ceiling-server.mjs"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), CEILING_PASSWORD: PASSWORD },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [chunk] = (await once(child.stdout ?? child, "data")) as [Buffer];
  if (!chunk.toString().includes("ready")) throw new Error(`ceiling server: ${chunk}`);
  return child;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

await main();
