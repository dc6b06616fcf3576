import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { createPasswordHasher, type PasswordHashParams } from "../../crypto/password.js";
import { noPositionals, positiveIntOption } from "../options.js";
import { CliUsageError, type Command } from "../usage.js";

/** OWASP Password Storage Cheat Sheet, argon2id: the floor ARGON2_* may not go below. */
const OWASP_MINIMUM: PasswordHashParams = { memoryKib: 19_456, iterations: 2 };
/**
 * 50 ms keeps a login well under the ~100 ms a person notices, and still leaves each core
 * about 20 logins a second; raise it where sign-ins are rare, lower it where they are not.
 */
const DEFAULT_TARGET_MS = 50;
/** Each running hash holds this much; HASH_CONCURRENCY of them run at once. */
const DEFAULT_MAX_MEMORY_KIB = 65_536;
const MEMORY_STEPS_KIB = [19_456, 32_768, 65_536, 131_072, 262_144];
const MAX_ITERATIONS = 1000;

interface Timing extends PasswordHashParams {
  ms: number;
}

export const calibrateCommand: Command = {
  summary: "time argon2id here and suggest ARGON2_MEMORY_KIB and ARGON2_ITERATIONS",
  help: `Usage: latchkey calibrate [--target-ms ${DEFAULT_TARGET_MS}] [--max-memory-kib ${DEFAULT_MAX_MEMORY_KIB}] [--samples 5]

Times argon2id (p=1) on this machine for a few memory and time costs, then suggests the
costliest parameters whose hash still takes at most --target-ms: memory first (what makes
argon2 expensive to attack), up to --max-memory-kib, then more passes. Never below OWASP's
minimum, m=19456 KiB, t=2, p=1. Run it on the machine that will serve logins, while idle.

Logins and sign-ups cost one hash each, so a machine serves at most cores × 1000 / ms of
them per second; each hash in flight holds its memory (HASH_CONCURRENCY of them at once).`,
  options: {
    "target-ms": { type: "string" },
    "max-memory-kib": { type: "string" },
    samples: { type: "string" },
  },
  async run({ values, positionals }) {
    noPositionals("calibrate", positionals);
    const targetMs = positiveIntOption(values, "target-ms") ?? DEFAULT_TARGET_MS;
    const maxMemoryKib = positiveIntOption(values, "max-memory-kib") ?? DEFAULT_MAX_MEMORY_KIB;
    const samples = positiveIntOption(values, "samples") ?? 5;
    if (maxMemoryKib < OWASP_MINIMUM.memoryKib) {
      throw new CliUsageError(
        `--max-memory-kib must be at least ${OWASP_MINIMUM.memoryKib} (OWASP's minimum)`,
      );
    }
    const cores = availableParallelism();
    const memories = MEMORY_STEPS_KIB.filter((m) => m <= maxMemoryKib);
    if (!memories.includes(maxMemoryKib)) memories.push(maxMemoryKib);

    console.log(`argon2id, p=1, on ${cores} core(s); median of ${samples} hashes each\n`);
    console.log("  m (KiB)   t   ms/hash   hashes/s on all cores");
    const timings: Timing[] = [];
    for (const memoryKib of memories) {
      for (const iterations of [2, 3, 4]) {
        const ms = await timeHash({ memoryKib, iterations }, samples);
        timings.push({ memoryKib, iterations, ms });
        console.log(
          `  ${String(memoryKib).padStart(7)}  ${String(iterations).padStart(2)}  ${ms.toFixed(1).padStart(8)}  ${Math.floor(
            (cores * 1000) / ms,
          )
            .toLocaleString("en-US")
            .padStart(10)}`,
        );
        if (ms > targetMs * 2) break;
      }
    }

    const suggestion = suggest(timings, targetMs);
    console.log(`\nFor at most ${targetMs} ms a hash (never below m=19456 KiB, t=2, p=1):\n`);
    console.log(`ARGON2_MEMORY_KIB=${suggestion.memoryKib}`);
    console.log(`ARGON2_ITERATIONS=${suggestion.iterations}`);
    const perSecond = Math.floor((cores * 1000) / suggestion.ms);
    console.log(
      `\n# about ${suggestion.ms.toFixed(0)} ms a hash: at most ~${perSecond} logins or sign-ups a second here, ` +
        `${Math.round((suggestion.memoryKib * cores) / 1024)} MiB while ${cores} hashes run (HASH_CONCURRENCY=${cores}).`,
    );
    if (suggestion.ms > targetMs) {
      console.log(
        `# Even OWASP's minimum takes longer than ${targetMs} ms here: keep the minimum, do not go below it.`,
      );
    }
    console.log("# Existing hashes are upgraded at each user's next successful login.");
    return 0;
  },
};

async function timeHash(params: PasswordHashParams, samples: number): Promise<number> {
  // Creating the hasher hashes once (its dummy hash), which also warms the allocator.
  const hasher = await createPasswordHasher(params);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await hasher.hash(`calibration password ${i}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/**
 * The largest memory whose t=2 hash fits the target, then as many passes as still fit,
 * estimated from the measured time per pass (argon2's time grows linearly with t).
 */
export function suggest(timings: readonly Timing[], targetMs: number): Timing {
  const atTwo = timings
    .filter((t) => t.iterations === 2 && t.ms <= targetMs)
    .sort((a, b) => b.memoryKib - a.memoryKib)[0];
  if (!atTwo) {
    const minimum = timings.find(
      (t) => t.memoryKib === OWASP_MINIMUM.memoryKib && t.iterations === OWASP_MINIMUM.iterations,
    );
    return minimum ?? { ...OWASP_MINIMUM, ms: Number.NaN };
  }
  const perPass = perPassMs(timings, atTwo.memoryKib);
  const iterations = Math.min(
    MAX_ITERATIONS,
    Math.max(2, Math.floor(2 + (targetMs - atTwo.ms) / perPass)),
  );
  return {
    memoryKib: atTwo.memoryKib,
    iterations,
    ms: atTwo.ms + (iterations - 2) * perPass,
  };
}

/** Time of one more pass at this memory: the slope between the measured t values. */
function perPassMs(timings: readonly Timing[], memoryKib: number): number {
  const same = timings
    .filter((t) => t.memoryKib === memoryKib)
    .sort((a, b) => a.iterations - b.iterations);
  const first = same[0];
  const last = same.at(-1);
  if (first && last && last.iterations > first.iterations && last.ms > first.ms) {
    return (last.ms - first.ms) / (last.iterations - first.iterations);
  }
  // Only t=2 was measured: a pass is about half of it.
  return (first?.ms ?? 1) / 2;
}
