import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { createPasswordHasher, type PasswordHashParams } from "../src/crypto/password.js";

export interface HashBound {
  memoryKib: number;
  iterations: number;
  cores: number;
  /** Median time of one argon2id hash on one thread, with nothing else hashing. */
  msPerHash: number;
  /** cores × 1000 / msPerHash: no server can log in or sign up faster on this machine. */
  hashesPerSecond: number;
  /**
   * Diagnostic, not the target: hashes a second with one hash per core running at once. Below
   * hashesPerSecond when parallel hashes slow each other (shared cache and memory bandwidth)
   * or when other work shares the machine.
   */
  parallelHashesPerSecond: number;
}

/**
 * Times `samples` sequential hashes with the server's parameters in this process, one at a
 * time, so each has a core to itself. Logins and sign-ups each cost one hash, so the cores
 * times that rate is the ceiling the server is held to.
 */
export async function measureHashBound(
  params: PasswordHashParams,
  samples: number,
): Promise<HashBound> {
  const hasher = await createPasswordHasher(params);
  for (let i = 0; i < 3; i++) await hasher.hash(`warm-up ${i}`);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await hasher.hash(`sample password ${i}`);
    times.push(performance.now() - start);
  }
  const msPerHash = median(times);
  const cores = availableParallelism();
  const parallelStart = performance.now();
  const perCore = Math.max(1, Math.ceil(samples / cores));
  await Promise.all(
    Array.from({ length: cores }, async (_, core) => {
      for (let i = 0; i < perCore; i++) await hasher.hash(`parallel ${core} ${i}`);
    }),
  );
  const parallelSeconds = (performance.now() - parallelStart) / 1000;
  return {
    ...params,
    cores,
    msPerHash,
    hashesPerSecond: (cores * 1000) / msPerHash,
    parallelHashesPerSecond: (cores * perCore) / parallelSeconds,
  };
}

/** The median, not the mean: on a shared machine a few samples land behind other work. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
