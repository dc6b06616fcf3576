/**
 * Work that runs after the reply has gone: a request must not wait for it, and its
 * duration must not tell the client anything (forgot-password). Failures are logged,
 * never unhandled; flush() lets shutdown and tests wait for what is in flight.
 */
export class BackgroundTasks {
  readonly #inFlight = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown, name: string) => void) {}

  run(name: string, task: () => Promise<void>): void {
    const running: Promise<void> = Promise.resolve()
      .then(task)
      .catch((error: unknown) => this.onError(error, name))
      .finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }

  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }
}
