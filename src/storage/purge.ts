import type { Stores } from "./ports.js";

export interface PurgeReport {
  codes: number;
  sessions: number;
  keys: number;
}

/** Deletes expired codes, sessions and retired keys: the TTL index PostgreSQL lacks. */
export async function purgeExpired(stores: Stores, now: Date): Promise<PurgeReport> {
  const codes = await stores.codes.purgeExpired(now);
  const sessions = await stores.sessions.purgeExpired(now);
  const keys = await stores.keys.purgeExpired(now);
  return { codes, sessions, keys };
}

export function startPurgeJob(
  stores: Stores,
  clock: () => Date,
  intervalMs: number,
  onError: (error: unknown) => void,
): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    // A slow database must not pile up overlapping purges.
    if (running) return;
    running = true;
    purgeExpired(stores, clock())
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  // Housekeeping alone must not keep the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
