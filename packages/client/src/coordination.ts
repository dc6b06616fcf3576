/**
 * Mutual exclusion of refreshes across the tabs of an origin. With Web Locks (every current
 * browser) one tab at a time runs its refresh; elsewhere (Node) a promise chain serialises
 * this process's refreshes, which is all there is to coordinate.
 */
export interface RefreshLock {
  run<T>(task: () => Promise<T>): Promise<T>;
}

interface LockManager {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export function inProcessLock(): RefreshLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

export function webLock(locks: LockManager, name: string): RefreshLock {
  return { run: (task) => locks.request(name, task) };
}

/** Web Locks when the platform has them, else the in-process chain. */
export function defaultLock(name: string): RefreshLock {
  const navigator = Reflect.get(globalThis, "navigator") as { locks?: LockManager } | undefined;
  return navigator?.locks ? webLock(navigator.locks, name) : inProcessLock();
}

/** A message between tabs: the session's stamp changed (null: signed out). */
export interface SessionMessage {
  stamp: string | null;
  event: "SIGNED_IN" | "SIGNED_OUT" | "TOKEN_REFRESHED";
}

export interface SessionChannel {
  post(message: SessionMessage): void;
  close(): void;
}

/**
 * BroadcastChannel between the tabs of an origin, so a sign-in, refresh or sign-out in one
 * tab is announced in the others. The tokens themselves travel through the shared storage
 * (localStorage or cookies), which is readable at once when the refresh lock changes hands;
 * a message could arrive after it.
 */
export function openChannel(
  name: string,
  onMessage: (message: SessionMessage) => void,
): SessionChannel | null {
  if (typeof BroadcastChannel !== "function") return null;
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event: MessageEvent) => onMessage(event.data as SessionMessage);
  // Node keeps the process alive for an open channel; a client must not.
  (channel as { unref?: () => void }).unref?.();
  return {
    post: (message) => channel.postMessage(message),
    close: () => channel.close(),
  };
}
