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
 * callers arrived, so a read is never older than the request that asked for it, and a write
 * is exactly as atomic as it would be alone (each caller's rows are its own).
 */
export type Batcher<I, O> = (input: I) => Promise<O>;

/**
 * `run` gets the queued inputs in arrival order and answers one output per input, in the
 * same order. If it throws, every caller of that batch gets the error.
 */
export function createBatcher<I, O>(
  run: (inputs: readonly I[]) => Promise<readonly O[]>,
  maxBatch = 128,
): Batcher<I, O> {
  type Waiter = { input: I; resolve: (output: O) => void; reject: (error: unknown) => void };
  let queue: Waiter[] = [];
  let inFlight = false;
  let scheduled = false;

  const schedule = (): void => {
    if (inFlight || scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(next);
  };

  const next = (): void => {
    scheduled = false;
    if (inFlight || queue.length === 0) return;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = batch === queue ? [] : queue.slice(maxBatch);
    inFlight = true;
    run(batch.map((waiter) => waiter.input))
      .then(
        (outputs) => {
          batch.forEach((waiter, i) => {
            if (i < outputs.length) waiter.resolve(outputs[i] as O);
            else waiter.reject(new Error(`batch answered ${outputs.length} of ${batch.length}`));
          });
        },
        (error: unknown) => {
          for (const waiter of batch) waiter.reject(error);
        },
      )
      .finally(() => {
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
