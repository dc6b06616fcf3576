import type { KeyRing } from "./key-ring.js";

export interface KeyRefresher {
  /** For AccessTokens.onUnknownKid: reloads at most once per minIntervalMs. */
  onUnknownKid(): Promise<boolean>;
  stop(): void;
}

/**
 * Instances share their keys through the database. Each one re-reads them on a timer
 * (new keys reach its JWKS within intervalMs) and at once when a token names a kid it
 * has never seen (a key rotated elsewhere verifies here immediately), throttled so a
 * flood of made-up kids costs one query per minIntervalMs at most.
 */
export function startKeyRefresher(
  ring: KeyRing,
  clock: () => Date,
  options: { intervalMs: number; minIntervalMs: number; onError: (error: unknown) => void },
): KeyRefresher {
  let lastReload = 0;
  let inFlight: Promise<boolean> | undefined;
  const reload = (): Promise<boolean> => {
    inFlight ??= ring
      .reload(clock())
      .then(
        () => true,
        (error: unknown) => {
          options.onError(error);
          return false;
        },
      )
      .finally(() => {
        lastReload = Date.now();
        inFlight = undefined;
      });
    return inFlight;
  };
  const timer = setInterval(() => void reload(), options.intervalMs);
  timer.unref();
  return {
    onUnknownKid() {
      if (inFlight) return inFlight;
      if (Date.now() - lastReload < options.minIntervalMs) return Promise.resolve(false);
      return reload();
    },
    stop: () => clearInterval(timer),
  };
}
