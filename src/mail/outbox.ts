import type { MailMessage } from "./message.js";
import type { MailLog, MailTransport } from "./transport.js";

/**
 * Fire-and-forget delivery. The domain enqueues after its transaction has committed and
 * answers the request without waiting for the mail server: a slow or dead SMTP server
 * must not slow down sign-up, nor make the response time tell whether an email exists.
 */
export class MailQueue {
  readonly #transport: MailTransport;
  readonly #from: string;
  readonly #log: MailLog;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(transport: MailTransport, from: string, log: MailLog) {
    this.#transport = transport;
    this.#from = from;
    this.#log = log;
  }

  enqueue(message: MailMessage): void {
    const delivery: Promise<void> = this.#deliver(message).finally(() => {
      this.#inFlight.delete(delivery);
    });
    this.#inFlight.add(delivery);
  }

  /** Resolves once every message enqueued so far, and any enqueued meanwhile, is settled. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) {
      await Promise.all(this.#inFlight);
    }
  }

  get pending(): number {
    return this.#inFlight.size;
  }

  // Never rejects: a failed mail is logged, it must not become an unhandled rejection.
  async #deliver(message: MailMessage): Promise<void> {
    try {
      await this.#transport.send({ ...message, from: this.#from });
      this.#log.info({ to: message.to, template: message.template }, "mail sent");
    } catch (error) {
      // Not the error object itself: SMTP errors can echo parts of the exchange, and the
      // body holds a live code or link.
      this.#log.error(
        {
          to: message.to,
          template: message.template,
          error: error instanceof Error ? error.message : String(error),
        },
        "mail delivery failed",
      );
    }
  }
}
