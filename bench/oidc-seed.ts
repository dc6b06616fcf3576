import type { Request } from "autocannon";
import {
  CookieJar,
  followRedirects,
  startTestOidcProvider,
} from "../test/helpers/test-oidc-provider.js";
import { benchEmail, RUN_ID } from "./seed.js";
import { freePort } from "./server.js";

const PROVIDER = "bench";
const CALLBACK = `/auth/oauth/${PROVIDER}/callback`;
/** Where the callback sends the browser: never fetched. */
const APP = "http://app.bench.example";
/**
 * Sign-ins cycle over this many provider accounts, each signed up through the provider
 * before the run: the measured callbacks are returning users. (Two first sign-ins of one
 * new identity at once: the second is answered ACCOUNT_EXISTS.)
 */
const ACCOUNTS = 16;

/** One GET of the callback: the provider's answer (code, state) and the browser's cookies. */
export interface CallbackItem {
  path: string;
  cookie: string;
}

export interface BenchOidc {
  /** The server's port: its PUBLIC_URL is the provider client's redirect URI. */
  readonly port: number;
  /** OAUTH_PROVIDERS=bench and its OAUTH_BENCH_… variables, PUBLIC_URL, APP_URL. */
  readonly env: Record<string, string>;
  /** Sign-ins taken to the callback's door, one after the other (the provider has one account at a time). */
  prepare(serverUrl: string, count: number): Promise<CallbackItem[]>;
  close(): Promise<void>;
}

/**
 * The in-process OpenID Provider of the tests (test/helpers/test-oidc-provider.ts) in the
 * bench process: its login and consent answer at once, so the bench walks each sign-in
 * (authorize, the provider's pages) before the warm-up, and the measured requests are the
 * callbacks alone: the server's state check, code exchange at the provider, ID token
 * verification, the user's lookup or creation, the one-use code for the app.
 */
export async function startBenchOidc(): Promise<BenchOidc> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const op = await startTestOidcProvider([`${publicUrl}${CALLBACK}`]);
  let made = 0;
  const signInAs = (n: number) => {
    op.account = {
      sub: `bench-${RUN_ID}-${n}`,
      email: benchEmail("oidc", n),
      email_verified: true,
    };
  };
  let signedUp = false;
  const signUpAll = async (serverUrl: string) => {
    for (let n = 0; n < ACCOUNTS; n++) {
      signInAs(n);
      const app = await followRedirects(
        `${serverUrl}/auth/oauth/${PROVIDER}/authorize`,
        new CookieJar(),
        (url) => url.origin === new URL(APP).origin,
      );
      if (!app.searchParams.get("code")) throw new Error(`oidc sign-up ${n}: landed on ${app}`);
    }
    signedUp = true;
  };
  return {
    port,
    env: {
      PUBLIC_URL: publicUrl,
      APP_URL: APP,
      OAUTH_PROVIDERS: PROVIDER,
      OAUTH_BENCH_ISSUER: op.issuer,
      OAUTH_BENCH_CLIENT_ID: op.clientId,
      OAUTH_BENCH_CLIENT_SECRET: op.clientSecret,
      OAUTH_BENCH_TRUST_EMAIL: "true",
    },
    async prepare(serverUrl, count) {
      if (!signedUp) await signUpAll(serverUrl);
      const items: CallbackItem[] = [];
      for (let i = 0; i < count; i++) {
        signInAs(made++ % ACCOUNTS);
        const jar = new CookieJar();
        const at = await followRedirects(
          `${serverUrl}/auth/oauth/${PROVIDER}/authorize`,
          jar,
          (url) => url.origin === serverUrl && url.pathname === CALLBACK,
        );
        items.push({ path: `${at.pathname}${at.search}`, cookie: jar.header() });
      }
      return items;
    },
    close: () => op.close(),
  };
}

/**
 * The callback with a prepared sign-in; a 302 anywhere but to the app with a `code` is a
 * wrong answer, counted in `wrong`.
 */
export function oidcCallback(take: () => CallbackItem, wrong: { count: number }): Request {
  return {
    method: "GET",
    setupRequest: (request) => {
      const item = take();
      return { ...request, path: item.path, headers: { cookie: item.cookie } };
    },
    onResponse: (status, _body, _context, headers) => {
      const location = String(headers.location ?? "");
      const toApp = location.startsWith(APP) && /[?&]code=/.test(location);
      if (status !== 302 || !toApp || /[?&]error=/.test(location)) wrong.count++;
    },
  };
}
