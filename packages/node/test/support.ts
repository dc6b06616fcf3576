import { SignJWT, UnsecuredJWT } from "jose";
import { expect } from "vitest";
import { KeyRing } from "../../../src/crypto/key-ring.js";
import { ensureBootstrapAdmin } from "../../../src/domain/bootstrap.js";
import { enrolAuthenticator } from "../../../test/e2e/second-factor-support.js";
import type { StoreUnderTest } from "../../../test/helpers/stores.js";
import { freePort, startTestServer, type TestServer } from "../../../test/helpers/test-server.js";

/** The service the middleware guards: one of the server's ACCESS_TOKEN_AUDIENCE. */
export const AUDIENCE = "https://notes.example";
export const ADMIN_EMAIL = "root@notes.example";
const ADMIN_PASSWORD = "bootstrap admin password";
const PASSWORD = "correct horse battery staple";

/**
 * A real Latchkey on a real port whose PUBLIC_URL is that address, so the verifier finds the
 * JWKS where a deployment would: `<issuer>/.well-known/jwks.json`.
 */
export async function startLatchkey(
  store: StoreUnderTest,
  options: { keyReloadIntervalMs?: number } = {},
): Promise<TestServer> {
  const port = await freePort();
  const server = await startTestServer({
    store,
    port,
    ...options,
    env: {
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      REQUIRE_EMAIL_VERIFICATION: "false",
      ACCESS_TOKEN_AUDIENCE: `${AUDIENCE}, https://billing.example`,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
  });
  await ensureBootstrapAdmin(server.runtime.deps);
  return server;
}

export const issuerOf = (server: TestServer): string => server.runtime.deps.config.publicUrl;

let sequence = 0;

/** Signs a new user up (verification is off): the first session's access token, aal1. */
export async function userToken(server: TestServer): Promise<string> {
  sequence += 1;
  const res = await server.post("/auth/register", {
    email: `reader-${sequence}-${process.pid}@notes.example`,
    password: PASSWORD,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.accessToken;
}

export async function adminToken(server: TestServer): Promise<string> {
  const res = await server.post("/auth/login", { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken;
}

/** A user who confirmed an authenticator app: the aal2 token that confirmation answers. */
export async function aal2Token(server: TestServer): Promise<string> {
  const { confirmed } = await enrolAuthenticator(server, await userToken(server));
  expect(confirmed.aal).toBe("aal2");
  return confirmed.accessToken;
}

/** Signed by the server while its clock was an hour behind: a genuine token, long expired. */
export async function expiredToken(server: TestServer): Promise<string> {
  server.clock.advance(-3600);
  try {
    return await userToken(server);
  } finally {
    server.clock.advance(3600);
  }
}

type Claims = Record<string, unknown>;

const payloadOf = (token: string): Claims =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

/**
 * A token of the server's own claims, changed and signed with the server's current private
 * key: only the changed claim can make a verifier refuse it.
 */
export async function forgedWithServerKey(
  server: TestServer,
  base: string,
  changes: Claims,
  header: Record<string, string> = {},
): Promise<string> {
  const ring = await KeyRing.load(server.runtime.deps.stores.keys, server.clock());
  const { kid, privateKey } = ring.current();
  return new SignJWT({ ...payloadOf(base), ...changes })
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid, ...header })
    .sign(privateKey);
}

/** The same claims, unsigned: `alg: none`. */
export function unsignedCopy(base: string): string {
  return new UnsecuredJWT(payloadOf(base)).encode();
}

/** The same claims as HS256 keyed with the server's public key: the algorithm-confusion attack. */
export async function hs256WithPublicKey(server: TestServer, base: string): Promise<string> {
  const jwks = (await server.get("/.well-known/jwks.json")).body as { keys: { x: string }[] };
  const publicKey = Buffer.from(jwks.keys[0]?.x ?? "", "base64url");
  return new SignJWT(payloadOf(base))
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
    .sign(publicKey);
}

/** Every token a suite presents, minted once per server. */
export interface Tokens {
  user: string;
  admin: string;
  aal2: string;
  expired: string;
  wrongAudience: string;
  wrongIssuer: string;
  algNone: string;
  hs256: string;
  badSignature: string;
  idToken: string;
}

export async function mintTokens(server: TestServer): Promise<Tokens> {
  const user = await userToken(server);
  const [head, body] = user.split(".");
  return {
    user,
    admin: await adminToken(server),
    aal2: await aal2Token(server),
    expired: await expiredToken(server),
    wrongAudience: await forgedWithServerKey(server, user, { aud: "https://elsewhere.example" }),
    wrongIssuer: await forgedWithServerKey(server, user, { iss: "https://evil.example" }),
    algNone: unsignedCopy(user),
    hs256: await hs256WithPublicKey(server, user),
    badSignature: `${head}.${body}.${"A".repeat(86)}`,
    // Latchkey's key and claims, but not an access token (RFC 9068 typ).
    idToken: await forgedWithServerKey(server, user, {}, { typ: "JWT" }),
  };
}
