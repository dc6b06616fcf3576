import { AuthError } from "../errors.js";
import type { PasswordHasher } from "./password.js";

export interface HashLimits {
  /** Hashes running at once. More than the cores only adds memory (m KiB each) and switching. */
  concurrency: number;
  /** Hashes allowed to wait for a slot; one more is refused with 503 UNAVAILABLE. */
  maxQueue: number;
}

/**
 * A hasher behind the queue below: the only kind that can refuse work. Deps.hasher requires
 * this type, so wiring that forgets the limit, or wraps it inside another decorator (which
 * would drop `admit`), does not compile.
 */
export interface LimitedHasher extends PasswordHasher {
  /**
   * Throws UNAVAILABLE when a hash asked for now would be refused, so a request is shed
   * before it does other work (a database lookup) for nothing.
   */
  admit(): void;
}

/** Seconds a refused client is told to wait: the queue drains in well under a second. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the password hashing in flight. argon2 runs on libuv's thread pool, which also
 * serves WebCrypto (every JWT signed or verified), fs and dns: unbounded, a burst of logins
 * fills that pool's queue and every cheap request waits behind it. Here at most
 * `concurrency` hashes reach the pool, at most `maxQueue` wait in FIFO order, and past
 * that the request is shed at once (503 + Retry-After) instead of timing out later.
 */
export function limitHashing(hasher: PasswordHasher, options: HashLimits): LimitedHasher {
  const { concurrency, maxQueue } = options;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `limitHashing: concurrency must be a whole number >= 1, got ${concurrency}`,
    );
  }
  if (!Number.isSafeInteger(maxQueue) || maxQueue < 0) {
    throw new RangeError(`limitHashing: maxQueue must be a whole number >= 0, got ${maxQueue}`);
  }
  let running = 0;
  const waiting: (() => void)[] = [];

  function release(): void {
    const next = waiting.shift();
    // The slot passes straight to the next in line, so a newcomer cannot jump the queue.
    if (next) next();
    else running--;
  }

  /** Whether one more hash would be refused right now. */
  function full(): boolean {
    return running >= concurrency && waiting.length >= maxQueue;
  }

  function busy(): AuthError {
    return new AuthError(
      "UNAVAILABLE",
      "The service is busy. Try again shortly.",
      undefined,
      RETRY_AFTER_SECONDS,
    );
  }

  async function withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running < concurrency) {
      running++;
    } else {
      if (full()) throw busy();
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      release();
    }
  }

  return {
    hash: (password) => withSlot(() => hasher.hash(password)),
    verify: (hash, password) => withSlot(() => hasher.verify(hash, password)),
    verifyDummy: (password) => withSlot(() => hasher.verifyDummy(password)),
    admit() {
      if (full()) throw busy();
    },
  };
}
