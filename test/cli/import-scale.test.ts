import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { hash as bcryptHash } from "@node-rs/bcrypt";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CliDatabase, describeEachDatabase, runCli } from "./support.js";

const USERS = 100_000;
// Rows go in one by one through UserStore.importUser: minutes on a busy machine.
const SCALE_TIMEOUT = 30 * 60_000;
// The JS heap the import runs with: a fraction of what the parsed file would need, so an
// importer that read the whole file (or kept its records) would die of it.
const HEAP_MIB = 64;

async function writeUsers(file: string): Promise<void> {
  const hash = await bcryptHash("secret-password-1", { cost: 4 });
  const out = createWriteStream(file);
  let chunk = "";
  for (let i = 0; i < USERS; i++) {
    chunk += `${JSON.stringify({
      _id: { $oid: `${(0x64000000 + i).toString(16)}${"0".repeat(16)}` },
      email: `user${i}@example.com`,
      password: hash,
      name: `User ${i}`,
      isVerified: i % 2 === 0,
      createdAt: { $date: new Date(1_600_000_000_000 + i * 1000).toISOString() },
    })}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

/** Peak resident memory of a running process (Linux), read until it exits. */
function watchPeakRss(pid: number): () => number | undefined {
  let peakKib: number | undefined;
  const timer = setInterval(async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) peakKib = Number(match[1]);
    } catch {
      // Gone, or not Linux.
    }
  }, 200);
  return () => {
    clearInterval(timer);
    return peakKib === undefined ? undefined : Math.round(peakKib / 1024);
  };
}

describeEachDatabase("CLI import of 100,000 users", (makeDatabase) => {
  let database: CliDatabase;
  let file: string;

  beforeAll(async () => {
    database = await makeDatabase();
    file = join(database.dir, "users-100k.jsonl");
    await writeUsers(file);
  }, SCALE_TIMEOUT);
  afterAll(() => database?.drop());

  it(
    "streams the file in a small heap and reports its rate",
    async () => {
      let stopWatching: () => number | undefined = () => undefined;
      const run = await runCli(
        ["import", file],
        { ...database.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}` },
        { onSpawn: (pid) => (stopWatching = watchPeakRss(pid)) },
      );
      const peakMib = stopWatching();
      expect(run.stderr).not.toMatch(/latchkey:|heap/i);
      expect(run.code).toBe(0);
      const summary =
        /^read (\d+), created (\d+), existing 0, rejected 0 in ([\d.]+) s \((\d+) users\/s\)$/m.exec(
          run.stdout,
        );
      expect(summary?.slice(1, 3)).toEqual([String(USERS), String(USERS)]);
      // Without a terminal: a plain count line every 10,000 records.
      expect(run.stderr.trim().split("\n")).toHaveLength(USERS / 10_000);
      const size = (await stat(file)).size;
      console.log(
        `import on ${database.name}: ${USERS} users (${(size / 2 ** 20).toFixed(1)} MiB) in ${summary?.[3]} s = ${summary?.[4]} users/s; JS heap capped at ${HEAP_MIB} MiB, peak RSS ${peakMib ?? "?"} MiB`,
      );
    },
    SCALE_TIMEOUT,
  );
});
