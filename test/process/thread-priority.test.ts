import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BACKGROUND_NICE } from "../../src/process/thread-priority.js";
import { startMainProcess } from "./main-process.js";

/** Each thread's nice value, from /proc/<pid>/task/<tid>/stat (field 19, after the name). */
function niceByThread(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    nice.set(tid, Number(fields[16]));
  }
  return nice;
}

describe.skipIf(process.platform !== "linux")("the server's thread priorities", () => {
  it("keeps the event loop at nice 0 and lowers every other thread, hashing ones included", async () => {
    const server = await startMainProcess({ LOG_LEVEL: "debug" });
    try {
      const pid = server.child.pid as number;
      for (let tries = 0; !server.output().includes("background threads lowered"); tries++) {
        if (tries > 100) throw new Error(`never lowered:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // A sign-up hashes a password on libuv's pool: no thread may appear at full priority.
      const registered = await fetch(`${server.url}/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "nice@example.com", password: "a long unusual phrase 7" }),
      });
      expect(registered.status).toBe(201);

      const nice = niceByThread(pid);
      expect(nice.get(pid)).toBe(0);
      const others = [...nice].filter(([tid]) => tid !== pid).map(([, value]) => value);
      // At least libuv's four pool threads, besides V8's.
      expect(others.length).toBeGreaterThanOrEqual(4);
      expect(others.every((value) => value === BACKGROUND_NICE)).toBe(true);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
  }, 120_000);
});
