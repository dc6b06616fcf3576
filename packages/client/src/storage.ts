import type { TokenBundle, User } from "./types.js";

/**
 * What the client keeps of a session. `stamp` changes with every new session or refresh:
 * a request that failed with one stamp and finds another has been overtaken by a refresh
 * (in this page or another tab) and only needs a retry, never a refresh of its own.
 */
export interface StoredSession {
  stamp: string;
  /** Absent in cookie mode: the browser holds the tokens in HttpOnly cookies. */
  accessToken?: string;
  refreshToken?: string;
  user?: User;
}

/** Where sessions live. Reads are synchronous so a check and its action are not split. */
export interface TokenStorage {
  /** memory: this page only; local: every tab of the origin; cookie: the browser's cookies. */
  readonly kind: "memory" | "local" | "cookie";
  get(): StoredSession | null;
  set(session: StoredSession | null): void;
}

/** The part of the Web Storage API the client needs; the browser's localStorage has it. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryStorage(): TokenStorage {
  let current: StoredSession | null = null;
  return {
    kind: "memory",
    get: () => current,
    set: (session) => {
      current = session;
    },
  };
}

function readJson(store: KeyValueStore, key: string): StoredSession | null {
  const text = store.getItem(key);
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && "stamp" in value
      ? (value as StoredSession)
      : null;
  } catch {
    return null;
  }
}

function browserLocalStorage(): KeyValueStore {
  const store = Reflect.get(globalThis, "localStorage") as KeyValueStore | undefined;
  if (!store) throw new Error("localStorage is not available here: use memoryStorage().");
  return store;
}

/**
 * Tokens in localStorage, shared by every tab of the origin and kept across reloads. Any
 * script on the origin can read them (an XSS steals the refresh token): prefer cookie mode
 * when Latchkey and the app share a site.
 */
export function localStorageStorage(
  key = "latchkey.session",
  store: KeyValueStore = browserLocalStorage(),
): TokenStorage {
  return {
    kind: "local",
    get: () => readJson(store, key),
    set: (session) => {
      if (session) store.setItem(key, JSON.stringify(session));
      else store.removeItem(key);
    },
  };
}

/**
 * Cookie mode: Latchkey's HttpOnly cookies carry the tokens and the client never sees them;
 * it keeps only the stamp and the user, in localStorage when there is one so that every tab
 * sees a refresh at once.
 */
export function cookieStorage(
  key = "latchkey.cookie-session",
  store?: KeyValueStore,
): TokenStorage {
  const shared = store ?? (Reflect.get(globalThis, "localStorage") as KeyValueStore | undefined);
  const inner = shared ? localStorageStorage(key, shared) : memoryStorage();
  return {
    kind: "cookie",
    get: () => inner.get(),
    set: (session) =>
      inner.set(
        session && { stamp: session.stamp, ...(session.user ? { user: session.user } : {}) },
      ),
  };
}

function newStamp(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function sessionFromBundle(bundle: TokenBundle): StoredSession {
  return {
    stamp: newStamp(),
    accessToken: bundle.accessToken,
    refreshToken: bundle.refreshToken,
    user: bundle.user,
  };
}
