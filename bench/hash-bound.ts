import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { createPasswordHasher, type PasswordHashParams } from "../src/crypto/password.js";

export interface HashBound {
  memoryKib: number;
  iterations: number;
  cores: number;
  /** Median time of one argon2id hash on one thread, with nothing else hashing. */
  msPerHash: number;
  /**
   * The bound (issue 20's decision): hashes a second with as many hashes at once as the
   * machine has cores, the server's parameters, nothing else running. Not cores × the
   * one-thread rate: parallel hashes share the L3 (two 19 MiB hashes do not fit one 32 MiB
   * L3) and memory bandwidth, so that product is a rate no server reaches here.
   */
  hashesPerSecond: number;
  /** Diagnostic: cores × 1000 / msPerHash, the bound of earlier rounds. */
  oneThreadHashesPerSecond: number;
}

/**
 * Times `samples` sequential hashes with the server's parameters in this process, one at a
 * time, then `samples` hashes on each core at once, which is the bound: logins and sign-ups
 * each cost one hash, so no server can do more of them a second on this machine.
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
  await Promise.all(
    Array.from({ length: cores }, async (_, core) => {
      for (let i = 0; i < samples; i++) await hasher.hash(`parallel ${core} ${i}`);
    }),
  );
  const parallelSeconds = (performance.now() - parallelStart) / 1000;
  return {
    ...params,
    cores,
    msPerHash,
    hashesPerSecond: (cores * samples) / parallelSeconds,
    oneThreadHashesPerSecond: (cores * 1000) / msPerHash,
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
