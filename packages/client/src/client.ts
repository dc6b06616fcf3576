import { defaultLock, type RefreshLock } from "./coordination.js";
import { errorFromResponse, LatchkeyError } from "./errors.js";
import { createPasskey, getPasskey } from "./passkey-browser.js";
import { type AuthListener, type FetchLike, reach, SessionKeeper } from "./session-keeper.js";
import { memoryStorage, type StoredSession, type TokenStorage } from "./storage.js";
import {
  type AuthenticationResponseJSON,
  type BodyOf,
  isMfaChallenge,
  type OkOf,
  type PasskeyRequestOptionsJSON,
  type RegistrationResponseJSON,
  type Route,
  type SignInResult,
  type TokenBundle,
} from "./types.js";

export interface LatchkeyClientOptions {
  /** Latchkey's base URL, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /** Default memoryStorage(): this page or process only. */
  storage?: TokenStorage;
  /** Default the global fetch. */
  fetch?: FetchLike;
  /** Default Web Locks when present, else an in-process lock. */
  lock?: RefreshLock;
  /** Names the lock and the BroadcastChannel; one per Latchkey the app talks to. */
  name?: string;
}

/** A route without a body schema may still be sent `{}`, never another shape. */
type BodyFor<R extends Route> = BodyOf<R> extends undefined ? Record<string, never> : BodyOf<R>;

export function createLatchkeyClient(options: LatchkeyClientOptions) {
  const name = options.name ?? "latchkey";
  const keeper = new SessionKeeper({
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    storage: options.storage ?? memoryStorage(),
    lock: options.lock ?? defaultLock(`${name}.refresh`),
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    channelName: name,
  });

  /** One route of the API; `path` fills the route's parameters. */
  async function call<R extends Route>(
    route: R,
    body: BodyFor<R> | undefined,
    how: { auth?: boolean; path?: string } = {},
  ): Promise<OkOf<R>> {
    const [method = "GET", pattern = ""] = route.split(" ");
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "content-type": "application/json" };
    }
    const path = how.path ?? pattern;
    const response = await reach(() =>
      how.auth ? keeper.fetch(path, init) : keeper.send(path, init, null),
    );
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as OkOf<R>;
  }

  /** A sign-in step's answer: a session is kept, a challenge is handed back. */
  function settle<T extends SignInResult>(answer: T): T {
    if (!isMfaChallenge(answer)) keeper.signedIn(answer);
    return answer;
  }

  function requireSession(): StoredSession {
    const session = keeper.session;
    if (!session) throw new LatchkeyError("NOT_SIGNED_IN", 0, "No one is signed in.");
    return session;
  }

  const passkeys = {
    signInOptions: (email?: string) =>
      call("POST /auth/passkeys/login/options", email ? { email } : {}),
    signInWithResponse: async (response: AuthenticationResponseJSON) =>
      settle(await call("POST /auth/passkeys/login", { response })),
    /** Options, the browser's passkey prompt, then the sign-in. */
    signIn: async (email?: string) =>
      passkeys.signInWithResponse(await getPasskey(await passkeys.signInOptions(email))),
    registrationOptions: () => call("POST /auth/passkeys/register/options", {}, { auth: true }),
    registerResponse: (response: RegistrationResponseJSON, passkeyName?: string) =>
      call(
        "POST /auth/passkeys/register",
        { response, ...(passkeyName ? { name: passkeyName } : {}) },
        { auth: true },
      ),
    /** Options, the browser's create prompt, then the registration. */
    register: async (passkeyName?: string) =>
      passkeys.registerResponse(
        await createPasskey(await passkeys.registrationOptions()),
        passkeyName,
      ),
    // The server documents this answer as an open object; its members are the sign-in options'.
    mfaOptions: async (mfaToken: string) =>
      (await call("POST /auth/mfa/passkey/options", {
        mfaToken,
      })) as unknown as PasskeyRequestOptionsJSON,
    /** The second step of a sign-in, with a passkey in the browser. */
    verifyMfa: async (mfaToken: string) => {
      const response = await getPasskey(await passkeys.mfaOptions(mfaToken));
      return client.verifyMfa({ mfaToken, method: "passkey", response });
    },
  };

  const client = {
    /** The session this client holds (in cookie mode: its stamp and user only). */
    get session(): StoredSession | null {
      return keeper.session;
    },
    /** Creates the account and mails a 6-digit code; a session when verification is off. */
    async signUp(input: BodyOf<"POST /auth/register">) {
      const answer = await call("POST /auth/register", input);
      if ("accessToken" in answer && typeof answer.accessToken === "string") {
        keeper.signedIn(answer as unknown as TokenBundle);
      }
      return answer;
    },
    verifyEmail: (input: BodyOf<"POST /auth/verify-email">) =>
      call("POST /auth/verify-email", input),
    resendVerification: (email: string) => call("POST /auth/verify-email/resend", { email }),
    /** A session, or `{mfaRequired, mfaToken, methods}`: finish it with verifyMfa. */
    signIn: async (input: BodyOf<"POST /auth/login">): Promise<SignInResult> =>
      settle(await call("POST /auth/login", input)),
    verifyMfa: async (input: BodyOf<"POST /auth/mfa/verify">): Promise<TokenBundle> =>
      settle(await call("POST /auth/mfa/verify", input)) as TokenBundle,
    forgotPassword: (input: BodyOf<"POST /auth/forgot-password">) =>
      call("POST /auth/forgot-password", input),
    /** Sets the new password; answers a session, or the challenge when the user has MFA. */
    resetPassword: async (input: BodyOf<"POST /auth/reset-password">): Promise<SignInResult> =>
      settle(await call("POST /auth/reset-password", input)),
    me: () => call("GET /auth/me", undefined, { auth: true }),
    sessions: {
      list: async () => (await call("GET /auth/sessions", undefined, { auth: true })).sessions,
      revoke: (id: string) =>
        call("DELETE /auth/sessions/{id}", undefined, {
          auth: true,
          path: `/auth/sessions/${encodeURIComponent(id)}`,
        }),
    },
    passkeys,
    /** Ends this session on the server and forgets it here, whatever the server answers. */
    async signOut(): Promise<void> {
      const session = requireSession();
      const body = session.refreshToken ? { refreshToken: session.refreshToken } : {};
      try {
        await call("POST /auth/logout", body);
      } finally {
        keeper.replace(null, "SIGNED_OUT");
      }
    },
    /** Ends every session of the user. */
    async signOutEverywhere(): Promise<void> {
      await call("POST /auth/logout-all", undefined, { auth: true });
      keeper.replace(null, "SIGNED_OUT");
    },
    /**
     * fetch with the session: the access token as Bearer (cookies in cookie mode) and, on a
     * 401, one shared refresh and one retry. Relative paths go to Latchkey.
     */
    fetch: (input: string, init?: RequestInit) => keeper.fetch(input, init),
    onAuthStateChange: (listener: AuthListener) => keeper.onChange(listener),
    /** Stops listening to other tabs. */
    close: () => keeper.close(),
  };
  return client;
}

export type LatchkeyClient = ReturnType<typeof createLatchkeyClient>;
