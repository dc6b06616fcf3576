export interface PollingWorker {
  /** Drains what is due now, then resolves; while a drain runs, this one waits its turn. */
  flush(): Promise<void>;
  /** Stops polling after the drain in hand is done. */
  stop(): Promise<void>;
}

export interface PollingOptions {
  /** Claims and handles batches until nothing is due. */
  drain: () => Promise<void>;
  pollMs: number;
  /** A failed drain (the database away) is told here; the next poll tries again. */
  onError: (error: unknown) => void;
}

/**
 * The loop behind each outbox (mail, webhooks): one drain at a time per process, every
 * `pollMs` and on flush(). Which rows a drain takes, and how other instances are kept off
 * them (FOR UPDATE SKIP LOCKED and leases), is the store's claim.
 */
export function startPollingWorker(options: PollingOptions): PollingWorker {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(options.drain).catch(options.onError);
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, options.pollMs);
  timer.unref();
  return {
    flush: () => tick(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** A batch claimer: rows due now, leased to this process for `leaseMs`. */
export type Claim<T> = (limit: number, now: Date, leaseMs: number) => Promise<T[]>;

export interface OutboxOptions<T> {
  /** Names the outbox in the log line of a failed poll. */
  name: string;
  store: { claim: Claim<T> };
  deliver: (row: T) => Promise<void>;
  batchSize: number;
  leaseMs: number;
  pollMs: number;
  clock: () => Date;
  log: { error(fields: object, message: string): void };
}

/** An outbox's worker: claims batches and delivers each row until nothing is due. */
export function startOutboxWorker<T>(options: OutboxOptions<T>): PollingWorker {
  const drain = async (): Promise<void> => {
    for (;;) {
      const now = options.clock();
      const batch = await options.store.claim(options.batchSize, now, options.leaseMs);
      if (batch.length === 0) return;
      await Promise.all(batch.map(options.deliver));
    }
  };
  return startPollingWorker({
    drain,
    pollMs: options.pollMs,
    onError: (error) =>
      options.log.error(
        { error: error instanceof Error ? error.message : String(error) },
        `${options.name} poll failed`,
      ),
  });
}

/**
 * Exponential backoff with "full jitter": a delay drawn at random below base·2^(n-1), capped,
 * so instances retrying one dead receiver do not stampede it when it returns.
 */
export function backoffDelayMs(
  attempts: number,
  bounds: { baseMs: number; maxMs: number; minMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(bounds.maxMs, bounds.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(bounds.minMs, Math.round(ceiling * random()));
}
