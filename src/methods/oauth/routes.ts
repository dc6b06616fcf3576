import type { FastifyReply } from "fastify";
import type { Config } from "../../config/config.js";
import { clientContext } from "../../http/client-context.js";
import { ErrorBody, ok, SIGNED_IN } from "../../http/envelope.js";
import { authenticate, requireAuth } from "../../http/plugins/authenticate.js";
import { signInReply } from "../../http/token-reply.js";
import { SignInReply } from "../../http/token-schemas.js";
import type { App, AppDeps } from "../../http/types.js";
import { type AuthorizationRequest, startAuthorization } from "./authorize.js";
import { finishCallback } from "./callback.js";
import { formPostTarget } from "./form-post.js";
import { listIdentities, removeIdentity } from "./identities.js";
import {
  AuthorizeQuery,
  CallbackForm,
  CallbackQuery,
  IdentitiesReply,
  IdentityParams,
  LinkQuery,
  MessageReply,
  ProviderParams,
  ProvidersReply,
  Redirect,
  TokenBody,
} from "./schemas.js";
import { STATE_TTL_MS } from "./store-port.js";
import { exchangeCode } from "./token.js";

const TAGS = ["providers"];
/** Binds a flow to the browser that started it; sent back only to the callback. */
const STATE_COOKIE = "lk_oauth_state";
const STATE_PATH = "/auth/oauth";

export function registerOAuthRoutes(app: App, deps: AppDeps): void {
  const signedIn = authenticate(deps);

  app.get(
    "/auth/oauth/providers",
    {
      schema: {
        tags: TAGS,
        summary: "The providers users may sign in with, for the buttons",
        response: { 200: ProvidersReply },
      },
    },
    async () => {
      const providers = deps.config.oauthProviders.map(({ id, name }) => ({ id, name }));
      return ok("Providers.", { providers });
    },
  );

  const redirectToProvider = async (
    reply: FastifyReply,
    provider: string,
    request: AuthorizationRequest,
  ) => {
    const { url, state } = await startAuthorization(deps, provider, request);
    if (state !== null) setStateCookie(reply, deps.config, state);
    return reply.redirect(url, 302);
  };

  app.get(
    "/auth/oauth/:provider/authorize",
    {
      schema: {
        tags: TAGS,
        summary: "Start signing in with a provider: 302 to it, with state, nonce and PKCE",
        params: ProviderParams,
        querystring: AuthorizeQuery,
        response: { 302: Redirect, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) =>
      redirectToProvider(reply, request.params.provider, {
        redirectTo: request.query.redirectTo,
        codeChallenge: request.query.codeChallenge,
        linkUserId: null,
        client: clientContext(request),
      }),
  );

  app.get(
    "/auth/oauth/:provider/link",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Connect a provider to the signed-in user: 302 to it, as authorize",
        security: SIGNED_IN,
        params: ProviderParams,
        querystring: LinkQuery,
        response: { 302: Redirect, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) =>
      redirectToProvider(reply, request.params.provider, {
        redirectTo: request.query.redirectTo,
        codeChallenge: undefined,
        linkUserId: requireAuth(request).sub,
        client: clientContext(request),
      }),
  );

  app.get(
    "/auth/oauth/:provider/callback",
    {
      schema: {
        tags: TAGS,
        summary: "The provider's answer: 302 to the app with ?code=, ?linked= or ?error=CODE",
        params: ProviderParams,
        querystring: CallbackQuery,
        response: { 302: Redirect },
      },
    },
    async (request, reply) => {
      const at = request.url.indexOf("?");
      const query = at === -1 ? "" : request.url.slice(at + 1);
      const cookieState = request.cookies[STATE_COOKIE];
      const target = await finishCallback(
        deps,
        request.params.provider,
        query,
        cookieState,
        clientContext(request),
      );
      // Cleared once its flow is used up; a forged callback must not end the real one.
      if (cookieState && new URLSearchParams(query).get("state") === cookieState) {
        reply.clearCookie(STATE_COOKIE, { path: STATE_PATH });
      }
      return reply.redirect(target, 302);
    },
  );

  // Encapsulated: only this route of the API reads form bodies.
  void app.register(async (scope: App) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => {
        // Object.fromEntries defines own properties: a "__proto__" field stays a field.
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.post(
      "/auth/oauth/:provider/callback",
      {
        schema: {
          tags: TAGS,
          summary:
            "A provider's answer by form_post (Apple): 303 to the GET callback with its fields",
          description:
            "The state cookie is SameSite=Lax, which a cross-site POST does not carry; the GET this answers with is a top-level navigation, which carries it, and there the state is checked as for any provider.",
          params: ProviderParams,
          consumes: ["application/x-www-form-urlencoded"],
          body: CallbackForm,
          response: { 303: Redirect, 400: ErrorBody },
        },
      },
      async (request, reply) =>
        // Nothing is checked or used up here: this request cannot show whose browser it is.
        reply.redirect(formPostTarget(deps, request.params.provider, request.body), 303),
    );
  });

  app.post(
    "/auth/oauth/token",
    {
      schema: {
        tags: TAGS,
        summary: "Exchange the callback's one-time code (and the app's verifier) for tokens",
        body: TokenBody,
        response: { 200: SignInReply, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await exchangeCode(
        deps,
        request.body.code,
        request.body.codeVerifier,
        clientContext(request),
      );
      return signInReply(reply, deps.config, result, "Signed in.");
    },
  );

  app.get(
    "/auth/identities",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "The providers connected to the signed-in user",
        security: SIGNED_IN,
        response: { 200: IdentitiesReply, 401: ErrorBody },
      },
    },
    async (request) => {
      const identities = await listIdentities(deps, requireAuth(request).sub);
      return ok("Connected providers.", { identities });
    },
  );

  app.delete(
    "/auth/identities/:id",
    {
      preHandler: signedIn,
      schema: {
        tags: TAGS,
        summary: "Disconnect a provider; never the user's last way to sign in",
        security: SIGNED_IN,
        params: IdentityParams,
        response: {
          200: MessageReply,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => {
      await removeIdentity(deps, requireAuth(request), request.params.id, clientContext(request));
      return ok("Provider disconnected.");
    },
  );
}

function setStateCookie(reply: FastifyReply, config: Config, state: string): void {
  // SameSite=Lax: the provider's redirect back is a top-level GET, which Lax lets through.
  // A form_post provider's cross-site POST does not carry it; rather than SameSite=None for
  // those (sent on every cross-site request, refused by browsers without Secure, so not on
  // plain-http development), the POST is turned into that same GET (form-post.ts), where
  // the cookie comes back and the state is checked as for any provider.
  reply.setCookie(STATE_COOKIE, state, {
    httpOnly: true,
    secure: config.cookieSecure,
    sameSite: "lax",
    path: STATE_PATH,
    maxAge: STATE_TTL_MS / 1000,
  });
}
