/**
 * Runs work one piece at a time, in arrival order. A failure ends only its own piece.
 *
 * Used where concurrent requests would only queue on the same database rows anyway: each
 * waiting transaction holds a pooled connection, so twenty of them waiting on one lock starve
 * every other request of connections (issue 13, item 10). Waiting here costs no connection.
 */
export type SerialQueue = <T>(work: () => Promise<T>) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => {});
    return run;
  };
}
