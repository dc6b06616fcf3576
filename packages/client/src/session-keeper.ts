import { openChannel, type RefreshLock, type SessionChannel } from "./coordination.js";
import { errorFromResponse, LatchkeyError } from "./errors.js";
import { type StoredSession, sessionFromBundle, type TokenStorage } from "./storage.js";
import type { TokenBundle } from "./types.js";

export type AuthEvent = "SIGNED_IN" | "SIGNED_OUT" | "TOKEN_REFRESHED";
export type AuthListener = (event: AuthEvent, session: StoredSession | null) => void;
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface KeeperOptions {
  baseUrl: string;
  storage: TokenStorage;
  lock: RefreshLock;
  fetch: FetchLike;
  /** BroadcastChannel name; null: no announcements to other tabs. */
  channelName: string | null;
}

/**
 * Holds the session: puts its credentials on requests, refreshes it on a 401 (once per
 * expiry, however many requests fail at the same time, in this page and across tabs) and
 * tells listeners when it changes.
 */
export class SessionKeeper {
  private inflight: Promise<StoredSession | null> | undefined;
  private readonly listeners = new Set<AuthListener>();
  private readonly channel: SessionChannel | null;

  constructor(private readonly options: KeeperOptions) {
    this.channel =
      options.channelName === null
        ? null
        : openChannel(options.channelName, (m) => this.heard(m.event));
  }

  get session(): StoredSession | null {
    return this.options.storage.get();
  }

  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : this.options.baseUrl + path;
  }

  /** One request as it is, with the session's access token (or, in cookie mode, cookies). */
  send(input: string, init: RequestInit = {}, session = this.session): Promise<Response> {
    const headers = new Headers(init.headers);
    if (session?.accessToken && !headers.has("authorization")) {
      headers.set("authorization", `Bearer ${session.accessToken}`);
    }
    const cookies = this.options.storage.kind === "cookie";
    return this.options.fetch(this.url(input), {
      ...init,
      headers,
      ...(cookies ? { credentials: "include" } : {}),
    });
  }

  /**
   * `send`, and on a 401 one refresh and one retry. The body must be replayable (a string,
   * Blob, FormData or URLSearchParams, not a stream).
   */
  async fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const before = this.session;
    const first = await this.send(input, init, before);
    if (first.status !== 401 || !before) return first;
    const after = await this.refresh(before.stamp);
    if (!after) return first;
    await first.body?.cancel();
    return this.send(input, init, after);
  }

  /**
   * A new session for the one stamped `stale`. Requests of this page that fail together share
   * one refresh; under the lock, a stamp that moved on means another request or tab has
   * refreshed already, so the rotated refresh token is never presented (which would revoke the
   * whole session family as a reuse).
   */
  refresh(stale: string): Promise<StoredSession | null> {
    this.inflight ??= this.options.lock
      .run(() => this.refreshUnderLock(stale))
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async refreshUnderLock(stale: string): Promise<StoredSession | null> {
    const current = this.session;
    if (!current) {
      // Signed out meanwhile (another tab, whose announcement may still be on its way).
      this.emit("SIGNED_OUT", null);
      return null;
    }
    if (current.stamp !== stale) return current;
    const cookies = this.options.storage.kind === "cookie";
    if (!cookies && !current.refreshToken) return null;
    if (cookies && (await this.refreshedElsewhere())) return current;
    const response = await this.options.fetch(this.url("/auth/refresh"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(cookies ? {} : { refreshToken: current.refreshToken }),
      ...(cookies ? { credentials: "include" as const } : {}),
    });
    if (response.ok) {
      const session = sessionFromBundle((await response.json()) as TokenBundle);
      this.replace(session, "TOKEN_REFRESHED");
      return session;
    }
    if (response.status === 401) {
      this.replace(null, "SIGNED_OUT");
      return null;
    }
    throw await errorFromResponse(response);
  }

  /**
   * In cookie mode, whether another tab refreshed while this one waited for the lock. Its
   * stamp may not be here yet: the browser hands localStorage to other tabs' processes on
   * its own time, not before the lock. The cookie jar every tab sends from already holds the
   * new tokens when that tab lets go, so one authenticated call tells.
   */
  private async refreshedElsewhere(): Promise<boolean> {
    const probe = await this.options.fetch(this.url("/auth/me"), { credentials: "include" });
    await probe.body?.cancel();
    return probe.ok;
  }

  /** Keeps a new session (or none) and tells this page's listeners and the other tabs. */
  replace(session: StoredSession | null, event: AuthEvent): void {
    this.options.storage.set(session);
    this.channel?.post({ stamp: session?.stamp ?? null, event });
    this.emit(event, session);
  }

  signedIn(bundle: TokenBundle): StoredSession {
    const session = sessionFromBundle(bundle);
    this.replace(session, "SIGNED_IN");
    return session;
  }

  onChange(listener: AuthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.channel?.close();
  }

  /** Another tab changed the session: shared storage already holds it; memory storage is ours. */
  private heard(event: AuthEvent): void {
    if (this.options.storage.kind === "memory") return;
    this.emit(event, this.session);
  }

  private emit(event: AuthEvent, session: StoredSession | null): void {
    for (const listener of this.listeners) {
      try {
        listener(event, session);
      } catch {
        // A listener's failure is the app's to handle; it must not break the session.
      }
    }
  }
}

/** fetch, with a failure to reach the server as a typed error. */
export async function reach(request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch (cause) {
    throw new LatchkeyError("NETWORK_ERROR", 0, "The server could not be reached.", { cause });
  }
}
