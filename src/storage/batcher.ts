import { isDatabaseUnavailable } from "./unavailable.js";

/**
 * Runs one statement for many concurrent callers. A batch starts once the event loop has
 * handled the I/O it is busy with (setImmediate), so every request parsed in that turn
 * joins it; calls that arrive while a batch is in flight queue and go together in the
 * next one, which starts when the previous settles. An idle server pays one loop turn
 * (microseconds), a busy one a round trip per batch instead of one per request (the same
 * idea as DataLoader, or a database's group commit). The turn matters for PGlite: it
 * runs a query to the end on this thread, so without it no two requests would ever meet.
 *
 * Batching changes cost, never what a caller sees: a batch starts after every one of its
 * callers arrived, so a read is never older than the request that asked for it, and each
 * caller's rows are its own. `run` must be one statement (all or nothing): when a batch
 * fails, each of its inputs is run again alone, so one bad input (a row a concurrent
 * delete orphaned, a deadlock) fails only its own caller. An unreachable database fails
 * the whole batch at once.
 */
export type Batcher<I, O> = (input: I) => Promise<O>;

export interface BatcherOptions {
  /** False: every call runs alone at once (inside a transaction there is nobody to share with). */
  enabled?: boolean;
  maxBatch?: number;
}

/** `run` answers one output per input, in the order given. */
export function createBatcher<I, O>(
  run: (inputs: readonly I[]) => Promise<readonly O[]>,
  { enabled = true, maxBatch = 128 }: BatcherOptions = {},
): Batcher<I, O> {
  const alone = async (input: I): Promise<O> => {
    const outputs = await run([input]);
    if (outputs.length === 0) throw new Error("batch answered 0 of 1");
    return outputs[0] as O;
  };
  if (!enabled) return alone;

  type Waiter = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };
  let queue: Waiter[] = [];
  let inFlight = false;
  let scheduled = false;

  const schedule = (): void => {
    if (inFlight || scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(next);
  };

  const settle = async (batch: readonly Waiter[]): Promise<void> => {
    try {
      const outputs = await run(batch.map((waiter) => waiter.input));
      batch.forEach((waiter, i) => {
        if (i < outputs.length) waiter.resolve(outputs[i] as O);
        else waiter.reject(new Error(`batch answered ${outputs.length} of ${batch.length}`));
      });
    } catch (error) {
      // An unreachable database fails every rerun too, only later: answer 503 at once.
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const waiter of batch) waiter.reject(error);
        return;
      }
      await Promise.all(
        batch.map((waiter) => alone(waiter.input).then(waiter.resolve, waiter.reject)),
      );
    }
  };

  const next = (): void => {
    scheduled = false;
    if (inFlight || queue.length === 0) return;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = batch === queue ? [] : queue.slice(maxBatch);
    inFlight = true;
    void settle(batch).finally(() => {
      inFlight = false;
      next();
    });
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      schedule();
    });
}
