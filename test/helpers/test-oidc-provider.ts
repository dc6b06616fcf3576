import type { KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";

/** Who signs in at the provider next: the test decides, as a user would by typing. */
export interface ProviderAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** Changes the ID token the token endpoint answers, re-signed (by our key, or a stranger's). */
export interface IdTokenTamper {
  claims?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Sign with a key the provider's JWKS does not hold. */
  foreignKey?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next interaction signs in. */
  account: ProviderAccount;
  /** Applied to the next token responses until cleared. */
  tamper: IdTokenTamper | null;
  /** The token endpoint answers 503, as a provider in trouble does. */
  tokenEndpointDown: boolean;
  /** Apple mode: the client secrets the token endpoint accepted, decoded. */
  appleSecrets: { header: Record<string, unknown>; claims: JWTPayload }[];
  /** Apple mode: the `user` field of the next form_post answers (Apple's first sign-in). */
  appleUser: object | null;
  /** The time client secrets are checked at (the server under test's clock). */
  clock: () => Date;
  close(): Promise<void>;
}

/**
 * Behave like Sign in with Apple: answer by form_post, and take as client secret only an
 * ES256 JWT signed by the team's key (iss = team, sub = client, aud = Apple, kid = key id,
 * at most six months long), checked here before the provider sees its own fixed secret.
 */
export interface AppleMode {
  teamId: string;
  keyId: string;
  publicKey: KeyObject;
}

const APPLE_AUDIENCE = "https://appleid.apple.com";
/** Apple's own limit on a client secret's lifetime. */
const APPLE_MAX_LIFETIME_S = 15_777_000;

// oidc-provider ships no types; these are the few members the helper uses.
interface Interaction {
  params: { client_id: string; scope: string };
}
interface GrantInstance {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface KoaContext {
  req: IncomingMessage;
  path: string;
  body: unknown;
  status: number;
}
interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: object,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
  Grant: new (fields: { accountId: string; clientId: string }) => GrantInstance;
}
type ProviderClass = new (issuer: string, configuration: object) => Provider;

/**
 * A real OpenID Provider (panva's oidc-provider) on 127.0.0.1, with one client whose
 * redirect URIs are `redirectUris`. Its login and consent are answered at once for `account`:
 * the interaction URL finishes the interaction itself, so a test's "browser" only follows
 * redirects, carrying cookies.
 */
export async function startTestOidcProvider(
  redirectUris: readonly string[],
  options: { apple?: AppleMode; host?: string } = {},
): Promise<TestOidcProvider> {
  const { apple } = options;
  const host = options.host ?? "127.0.0.1";
  const { default: OidcProvider } = (await import("oidc-provider" as string)) as {
    default: ProviderClass;
  };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const foreign = await generateKeyPair("RS256");

  const helper: TestOidcProvider = {
    issuer,
    clientId: "latchkey-test",
    clientSecret: "a-client-secret-of-the-test-provider",
    account: { sub: "user-1", email: "user1@example.test", email_verified: true },
    tamper: null,
    tokenEndpointDown: false,
    appleSecrets: [],
    appleUser: null,
    clock: () => new Date(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const provider = new OidcProvider(issuer, {
    clients: [
      {
        client_id: helper.clientId,
        client_secret: helper.clientSecret,
        redirect_uris: [...redirectUris],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ["test-cookie-key"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // The claims in the ID token itself, as Google's are; the userinfo path is Latchkey's fallback.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { methods: ["S256"], required: () => true },
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ ...helper.account, sub }),
    }),
  });

  provider.use(async (ctx, next) => {
    if (ctx.path === "/token" && helper.tokenEndpointDown) {
      ctx.status = 503;
      ctx.body = "unavailable";
      return;
    }
    if (apple && ctx.path === "/token") await checkAppleSecret(ctx, apple, helper);
    await next();
    if (apple && helper.appleUser && typeof ctx.body === "string") {
      ctx.body = withUserField(ctx.body, JSON.stringify(helper.appleUser));
    }
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== "/token" || !helper.tamper || typeof body?.id_token !== "string") return;
    const claims = helper.tamper.claims?.(decodeJwt(body.id_token)) ?? decodeJwt(body.id_token);
    const key = helper.tamper.foreignKey ? foreign.privateKey : privateKey;
    body.id_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .sign(key);
  });

  const handle = provider.callback();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith("/interaction/")) return handle(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({
        accountId: helper.account.sub,
        clientId: details.params.client_id,
      });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: helper.account.sub }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  return helper;
}

/**
 * Reads the token request's body, checks its client_secret as Apple would, and hands the
 * provider the body with its own fixed secret in place (or none, refused as invalid_client).
 */
async function checkAppleSecret(
  ctx: KoaContext,
  apple: AppleMode,
  helper: TestOidcProvider,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  const presented = form.get("client_secret") ?? "";
  form.delete("client_secret");
  try {
    const { payload, protectedHeader } = await jwtVerify(presented, apple.publicKey, {
      algorithms: ["ES256"],
      issuer: apple.teamId,
      subject: helper.clientId,
      audience: APPLE_AUDIENCE,
      requiredClaims: ["iat", "exp"],
      currentDate: helper.clock(),
    });
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    if (protectedHeader.kid !== apple.keyId || lifetime <= 0 || lifetime > APPLE_MAX_LIFETIME_S) {
      throw new Error("not Apple's client secret");
    }
    helper.appleSecrets.push({ header: decodeProtectedHeader(presented), claims: payload });
    form.set("client_secret", helper.clientSecret);
  } catch {
    form.set("client_secret", "refused");
  }
  // oidc-provider reads an already-consumed request's body from req.body.
  (ctx.req as IncomingMessage & { body?: string }).body = form.toString();
}

/** Apple's form_post carries `user` (the name, on a first sign-in) beside code and state. */
function withUserField(html: string, user: string): string {
  if (!html.includes('<form method="post"')) return html;
  const escaped = user
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
  return html.replace(
    "<noscript>",
    `<input type="hidden" name="user" value="${escaped}"/>\n<noscript>`,
  );
}

/** A browser's cookies, by name (every test server is on 127.0.0.1; names do not collide). */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some(
        (a) =>
          /^\s*max-age=0/i.test(a) ||
          (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1] ?? "") < Date.now()),
      );
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * Follows redirects as a browser would, carrying the jar's cookies, until one leaves the
 * servers under test (`stopAt` origins, the app): that URL is the answer.
 */
export async function followRedirects(
  start: string,
  jar: CookieJar,
  stopAt: (url: URL) => boolean,
  headers: Record<string, string> = {},
): Promise<URL> {
  let url = new URL(start);
  for (let hop = 0; hop < 20; hop++) {
    if (stopAt(url)) return url;
    const response = await fetch(url, {
      redirect: "manual",
      headers: { ...headers, cookie: jar.header() },
    });
    jar.keep(response);
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`${url.href} answered ${response.status}: ${await response.text()}`);
    }
    url = new URL(location, url);
  }
  throw new Error("too many redirects");
}
