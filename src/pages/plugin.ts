import type { FastifyError } from "fastify";
import { AuthError } from "../errors.js";
import { addSecurityHeaders } from "../http/security-headers.js";
import type { App, AppDeps } from "../http/types.js";
import type { SignInMethod } from "../methods/sign-in-method.js";
import { ASSET_CACHE_CONTROL, loadPageAssets } from "./assets.js";
import { href, type PageEnv, pageContext } from "./context.js";
import { codeMessage } from "./form-errors.js";
import { sendHtml } from "./respond.js";
import { registerAccountPageRoutes } from "./routes/account.js";
import { registerSignUpRoutes } from "./routes/sign-up.js";
import { registerVerifyEmailRoutes } from "./routes/verify-email.js";
import { isSameOriginPost } from "./same-origin.js";
import { messagePage } from "./templates/message.js";

/**
 * The hosted pages, in a scope of their own beside the API's: their own CSP (the API's
 * forbids everything), a urlencoded body parser that the JSON API never sees, the
 * same-origin rule for forms, and errors drawn as pages instead of JSON.
 */
export function registerPages(app: App, deps: AppDeps, methods: readonly SignInMethod[]): void {
  app.register(async (pages) => {
    const { config } = deps;
    const assets = await loadPageAssets(config);
    const env: PageEnv = {
      deps,
      assets,
      accountSections: methods.flatMap((method) => method.accountSection ?? []),
      signInOptions: methods.flatMap((method) => method.signInOption ?? []),
    };
    const logoOrigin = config.brandLogoUrl ? new URL(config.brandLogoUrl).origin : undefined;
    // helmet's headers (security-headers.ts), worked out once; the CSP and Referrer-Policy
    // are the pages' own, the rest as the API's.
    addSecurityHeaders(pages, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: logoOrigin ? ["'self'", logoOrigin] : ["'self'"],
          // The script's one request: resuming a session with the refresh cookie.
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      // Reset tokens are in these pages' URLs: no other origin may see them in a Referer.
      // same-origin, not no-referrer: under no-referrer the browser sends `Origin: null` with
      // our own forms, and on plain http (no Fetch Metadata outside secure contexts) nothing
      // would tell them from another site's. Referer then goes only to this origin.
      referrerPolicy: { policy: "same-origin" },
      strictTransportSecurity: config.publicUrl.startsWith("https://"),
    });

    pages.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_request, body, done) => {
        // Object.fromEntries defines own properties: a "__proto__" field stays a field.
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );

    const ownOrigin = new URL(config.publicUrl).origin;
    pages.addHook("onRequest", async (request) => {
      if (request.method === "POST" && !isSameOriginPost(request, ownOrigin)) {
        throw new AuthError("FORBIDDEN", "Cross-site form refused.");
      }
    });

    pages.setErrorHandler((error: FastifyError, request, reply) => {
      const ctx = pageContext(request, env);
      const known = error instanceof AuthError ? error : statusError(error.statusCode ?? 500);
      if (known.code === "INTERNAL") request.log.error({ err: error }, "unhandled error");
      const message =
        known.code === "FORBIDDEN" ? ctx.t("error.crossSite") : codeMessage(ctx, known);
      const page = messagePage(ctx, {
        title: ctx.t("error.title"),
        paragraphs: [message],
        actions: [{ href: href(ctx, "/sign-in"), label: ctx.t("error.back") }],
        alert: true,
      });
      return sendHtml(reply, page, known.status);
    });

    for (const asset of [assets.css, assets.js]) {
      pages.get(asset.path, { schema: { hide: true } }, async (_request, reply) =>
        reply.header("cache-control", ASSET_CACHE_CONTROL).type(asset.type).send(asset.body),
      );
    }
    registerSignUpRoutes(pages, env);
    registerVerifyEmailRoutes(pages, env);
    for (const method of methods) method.pages?.(pages, env);
    registerAccountPageRoutes(pages, env);
  });
}

/** Fastify's own failures (body too large, unknown content type) as the API names them. */
function statusError(status: number): AuthError {
  if (status === 413) return new AuthError("PAYLOAD_TOO_LARGE");
  if (status === 415) return new AuthError("UNSUPPORTED_MEDIA_TYPE");
  if (status >= 400 && status < 500) return new AuthError("VALIDATION_FAILED");
  return new AuthError("INTERNAL");
}
