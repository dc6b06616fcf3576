import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { StoreUnderTest } from "../../helpers/stores.js";
import {
  type AppleMode,
  CookieJar,
  followRedirects,
  startTestOidcProvider,
  type TestOidcProvider,
} from "../../helpers/test-oidc-provider.js";
import { freePort, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** The app Latchkey sends browsers back to; never fetched. */
export const APP = "http://app.example.test";
export const OTHER_APP = "http://other.example.test/app";

export interface OAuthWorld {
  server: TestServer;
  op: TestOidcProvider;
  close(): Promise<void>;
}

/**
 * A Latchkey with three providers over one in-process OpenID Provider: `idp` (email not
 * trusted, the default), `trusted` (OAUTH_TRUSTED_TRUST_EMAIL=true), and `down`, whose
 * issuer answers nothing.
 */
export async function startOAuthWorld(
  store: StoreUnderTest,
  env: Record<string, string> = {},
): Promise<OAuthWorld> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const op = await startTestOidcProvider([
    `${publicUrl}/auth/oauth/idp/callback`,
    `${publicUrl}/auth/oauth/trusted/callback`,
  ]);
  const closed = await freePort();
  const provider = (id: string) => ({
    [`OAUTH_${id}_ISSUER`]: op.issuer,
    [`OAUTH_${id}_CLIENT_ID`]: op.clientId,
    [`OAUTH_${id}_CLIENT_SECRET`]: op.clientSecret,
  });
  const server = await startTestServer({
    store,
    port,
    env: {
      PUBLIC_URL: publicUrl,
      APP_URL: APP,
      REDIRECT_ALLOWLIST: OTHER_APP,
      OAUTH_PROVIDERS: "idp,trusted,down",
      ...provider("IDP"),
      ...provider("TRUSTED"),
      OAUTH_TRUSTED_TRUST_EMAIL: "true",
      OAUTH_TRUSTED_NAME: "Trusted IdP",
      OAUTH_DOWN_ISSUER: `http://127.0.0.1:${closed}`,
      OAUTH_DOWN_CLIENT_ID: "nobody",
      ...env,
    },
  });
  return worldOf(server, op);
}

function worldOf(server: TestServer, op: TestOidcProvider): OAuthWorld {
  return {
    server,
    op,
    async close() {
      await server.close();
      await op.close();
    },
  };
}

export const APPLE_TEAM_ID = "TEAM123456";
export const APPLE_KEY_ID = "KEY1234567";

export interface AppleWorld extends OAuthWorld {
  /** What the provider checks client secrets against; a test may change the key id. */
  apple: AppleMode;
}

/**
 * A Latchkey whose one provider is the `apple` preset, its issuer the in-process OpenID
 * Provider set to behave like Apple (form_post, an ES256 JWT as client secret). `opHost`
 * `localhost` puts the provider on another site than Latchkey's 127.0.0.1, as Apple is.
 */
export async function startAppleWorld(
  store: StoreUnderTest,
  opHost = "127.0.0.1",
): Promise<AppleWorld> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const apple: AppleMode = { teamId: APPLE_TEAM_ID, keyId: APPLE_KEY_ID, publicKey };
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const op = await startTestOidcProvider([`${publicUrl}/auth/oauth/apple/callback`], {
    apple,
    host: opHost,
  });
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const server = await startTestServer({
    store,
    port,
    env: {
      PUBLIC_URL: publicUrl,
      APP_URL: APP,
      OAUTH_PROVIDERS: "apple",
      OAUTH_APPLE_ISSUER: op.issuer,
      OAUTH_APPLE_CLIENT_ID: op.clientId,
      OAUTH_APPLE_TEAM_ID: APPLE_TEAM_ID,
      OAUTH_APPLE_KEY_ID: APPLE_KEY_ID,
      // One line, as most environments hold it.
      OAUTH_APPLE_PRIVATE_KEY: pem.trim().replaceAll("\n", "\\n"),
    },
  });
  op.clock = server.clock;
  return { ...worldOf(server, op), apple };
}

/** Leaves the servers under test: the app's URL the browser lands on. */
export function atApp(world: OAuthWorld) {
  return (url: URL) => url.origin !== world.server.url && url.origin !== world.op.issuer;
}

/** A browser signing in from `path` (authorize or link) to the app: where it lands. */
export async function browse(world: OAuthWorld, path: string, jar = new CookieJar()) {
  return followRedirects(`${world.server.url}${path}`, jar, atApp(world));
}

/** Signs `sub` in at the provider and answers the app's landing URL's parameters. */
export async function signInAt(
  world: OAuthWorld,
  account: TestOidcProvider["account"],
  provider = "idp",
  query = "",
): Promise<URLSearchParams> {
  world.op.account = account;
  const landed = await browse(world, `/auth/oauth/${provider}/authorize${query}`);
  return landed.searchParams;
}

/** The app's exchange of its code; answers the token response. */
export async function exchange(world: OAuthWorld, code: string | null, codeVerifier?: string) {
  expect(code, "the callback gave no code").toEqual(expect.any(String));
  return world.server.post("/auth/oauth/token", {
    code,
    ...(codeVerifier ? { codeVerifier } : {}),
  });
}

/** Signs in with the provider all the way to a session; answers the token bundle. */
export async function signInThroughProvider(
  world: OAuthWorld,
  account: TestOidcProvider["account"],
  provider = "idp",
) {
  const params = await signInAt(world, account, provider);
  expect(params.get("error")).toBeNull();
  const res = await exchange(world, params.get("code"));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

/** An app's PKCE pair (RFC 7636 S256). */
export function pkcePair() {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

let subjects = 0;

/** A fresh account at the provider. */
export function account(email: string, verified = true): TestOidcProvider["account"] {
  subjects += 1;
  return {
    sub: `sub-${subjects}-${randomBytes(3).toString("hex")}`,
    email,
    email_verified: verified,
  };
}
