import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface BenchServer {
  readonly url: string;
  readonly pid: number;
  /** Lines the server wrote to stderr/stdout (warnings and errors at LOG_LEVEL=warn). */
  readonly output: string[];
  stop(): Promise<void>;
}

export interface StartServerOptions {
  env: Record<string, string>;
  /** Node flags before the entry point, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Listen here (its PUBLIC_URL was given to a provider beforehand); default: a free one. */
  port?: number;
}

const READY_TIMEOUT_MS = 90_000;

/**
 * The arguments of `npm start` (package.json: `node <flags> scripts/start.mjs`), which are
 * run with this same node binary: the server's V8 flags are part of what is measured.
 */
export function startArguments(): string[] {
  const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const [command, ...args] = packageJson.scripts.start.trim().split(/\s+/);
  if (command !== "node" || args.length === 0) {
    throw new Error(`npm start is not "node <flags> <script>": ${packageJson.scripts.start}`);
  }
  return args;
}

/**
 * A real Latchkey in its own process, exactly as `npm start` runs it (its node flags, then
 * scripts/start.mjs: dist/ rebuilt when src/ changed, then the compiled server), so the load
 * generator and the server do not share an event loop.
 */
export async function startServer(options: StartServerOptions): Promise<BenchServer> {
  const port = options.port ?? (await freePort());
  const env = { ...options.env, PORT: String(port), HOST: "127.0.0.1" };
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...startArguments()], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line) output.push(line);
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child, exited, output);
  return {
    url,
    pid: child.pid ?? -1,
    output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const code = await Promise.race([exited, sleep(15_000).then(() => "timeout" as const)]);
      if (code === "timeout") {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  exited: Promise<number | null>,
  output: string[],
): Promise<void> {
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (dead) {
      throw new Error(
        `server exited with ${child.exitCode} before it was ready:\n${output.join("\n")}`,
      );
    }
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await sleep(200);
  }
  child.kill("SIGKILL");
  throw new Error(`server not ready after ${READY_TIMEOUT_MS} ms:\n${output.join("\n")}`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Peak resident memory of a process while a scenario runs: VmRSS polled every 100 ms. */
export function sampleRss(pid: number): { stop(): { peakMiB: number; hwmMiB: number } } {
  let peakKib = readStatusKib(pid, "VmRSS");
  const timer = setInterval(() => {
    peakKib = Math.max(peakKib, readStatusKib(pid, "VmRSS"));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      peakKib = Math.max(peakKib, readStatusKib(pid, "VmRSS"));
      // VmHWM is the lifetime peak: it can only be at least the polled one.
      return { peakMiB: peakKib / 1024, hwmMiB: readStatusKib(pid, "VmHWM") / 1024 };
    },
  };
}

/**
 * CPU seconds (user + system) the process has used so far: every thread, or only the main
 * one, which runs the event loop (hashing runs on libuv's pool, other threads).
 */
export function cpuSeconds(pid: number, threads: "all" | "main" = "all"): number {
  const stat = threads === "all" ? `/proc/${pid}/stat` : `/proc/${pid}/task/${pid}/stat`;
  try {
    // Fields 14 and 15 of the stat line, after the parenthesised command name.
    const fields = readFileSync(stat, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

function readStatusKib(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}
