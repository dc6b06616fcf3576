import { readdirSync } from "node:fs";
import { stat } from "node:fs/promises";
import { setPriority } from "node:os";

/**
 * How much lower than the event loop every other thread of the process runs (nice 0 ->
 * 10: CFS then gives a runnable nice-0 thread about 9× the weight). Password hashes run
 * on libuv's pool; with one hashing thread per core the event loop otherwise queued for a
 * core behind them, and every request waited. Lowered, they get what the event loop
 * leaves: cheap requests answer sooner while logins keep their rate (BENCHMARKS.md,
 * "What changed", item 2). LOWER_BACKGROUND_THREADS=false skips it.
 */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the priority of every thread but the main one: libuv's pool (hashing, file
 * system), V8's helpers. Linux only, where setpriority() on a thread id affects that
 * thread alone; elsewhere it would renice the whole process, so nothing is done. Raising
 * a nice value needs no privilege. Returns how many threads were lowered.
 */
export async function lowerBackgroundThreads(nice = BACKGROUND_NICE): Promise<number> {
  if (process.platform !== "linux") return 0;
  // libuv starts its pool on first use, and a thread inherits its creator's priority:
  // make sure the pool exists, so the main thread is the only one left at full priority.
  await stat(".");
  let lowered = 0;
  for (const tid of readdirSync("/proc/self/task").map(Number)) {
    if (tid === process.pid) continue;
    try {
      setPriority(tid, nice);
      lowered++;
    } catch {
      // The thread ended between listing and renicing.
    }
  }
  return lowered;
}
