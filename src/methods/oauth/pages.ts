import type { FastifyReply } from "fastify";
import * as client from "openid-client";
import type { AccessClaims } from "../../crypto/access-tokens.js";
import { AuthError, errorCatalog } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import type { App } from "../../http/types.js";
import { sendAccountRefusal, signedInPage } from "../../pages/account-page.js";
import { field, href, type PageContext, type PageEnv, pageContext } from "../../pages/context.js";
import { finishSignIn, PAGE_ROUTE, redirect } from "../../pages/respond.js";
import { removeIdentity } from "./identities.js";
import { PAGES_RETURN } from "./redirect.js";
import { OAUTH_PAGES } from "./sign-in-option.js";
import { STATE_TTL_MS } from "./store-port.js";
import { exchangeCode } from "./token.js";

/**
 * The pages' own PKCE verifier, between a button and the landing: the code the callback
 * hands to /sign-in/oauth is exchanged only with it, so a code obtained elsewhere (another
 * person's, carried to this browser in a link) signs no one in here (login CSRF).
 */
const VERIFIER_COOKIE = "lk_oauth_pages";
const VERIFIER_PATH = PAGES_RETURN.signIn;

/**
 * The providers' pages: a button's start, the sign-in's landing (the code exchanged as
 * POST /auth/oauth/token does, finished as every page sign-in), and removing a connected
 * account from /account (as DELETE /auth/identities/:id).
 */
export function registerOAuthPages(app: App, env: PageEnv): void {
  const { deps } = env;
  const { config } = deps;
  const cookieOptions = {
    httpOnly: true,
    secure: config.cookieSecure,
    // Lax: the landing is a top-level GET at the end of the provider's redirects.
    sameSite: "lax",
    path: VERIFIER_PATH,
  } as const;

  app.get<{ Params: { provider: string } }>(
    `${PAGES_RETURN.signIn}/:provider`,
    PAGE_ROUTE,
    async (request, reply) => {
      const ctx = pageContext(request, env);
      const { provider } = request.params;
      if (!config.oauthProviders.some((candidate) => candidate.id === provider)) {
        throw new AuthError("PROVIDER_NOT_FOUND");
      }
      const verifier = client.randomPKCECodeVerifier();
      reply.setCookie(VERIFIER_COOKIE, verifier, { ...cookieOptions, maxAge: STATE_TTL_MS / 1000 });
      const back = new URL(PAGES_RETURN.signIn, config.publicUrl);
      if (ctx.explicitLang) back.searchParams.set("lang", ctx.locale);
      const query = new URLSearchParams({
        redirectTo: back.href,
        codeChallenge: await client.calculatePKCECodeChallenge(verifier),
      });
      return reply.redirect(`/auth/oauth/${encodeURIComponent(provider)}/authorize?${query}`, 302);
    },
  );

  app.get(PAGES_RETURN.signIn, PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const verifier = request.cookies[VERIFIER_COOKIE];
    reply.clearCookie(VERIFIER_COOKIE, cookieOptions);
    const refused = (code: string) =>
      redirect(
        reply,
        href(ctx, "/sign-in", { error: errorCatalog().has(code) ? code : "PROVIDER_ERROR" }),
      );
    const code = field(request.query, "code");
    if (!code) return refused(field(request.query, "error") || "INVALID_GRANT");
    // Not started by this browser's button: the code is left alone, whoever it belongs to.
    if (!verifier) return refused("INVALID_STATE");
    try {
      const result = await exchangeCode(deps, code, verifier, clientContext(request));
      return redirect(reply, finishSignIn(reply, ctx, result, href(ctx, "/account")));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      return refused(error.code);
    }
  });

  const refuse = (ctx: PageContext, reply: FastifyReply, claims: AccessClaims, error: unknown) =>
    sendAccountRefusal(env, ctx, reply, claims, error, {
      MFA_REQUIRED: ctx.t("oauth.stepUp"),
      NOT_FOUND: ctx.t("oauth.notFound"),
    });

  app.post(
    OAUTH_PAGES.remove,
    PAGE_ROUTE,
    signedInPage(env, async (ctx, claims, request, reply) => {
      try {
        await removeIdentity(deps, claims, field(request.body, "id"), clientContext(request));
      } catch (error) {
        return refuse(ctx, reply, claims, error);
      }
      return redirect(reply, href(ctx, "/account", { notice: "identity-removed" }));
    }),
  );
}
