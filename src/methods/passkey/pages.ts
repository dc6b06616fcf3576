import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { FastifyReply } from "fastify";
import type { AccessClaims } from "../../crypto/access-tokens.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import type { App } from "../../http/types.js";
import { sendAccountRefusal, signedInPage } from "../../pages/account-page.js";
import { field, href, type PageContext, type PageEnv, pageContext } from "../../pages/context.js";
import { codeMessage } from "../../pages/form-errors.js";
import { finishSignIn, PAGE_ROUTE, redirect } from "../../pages/respond.js";
import { PASSKEY_PAGES } from "./account-section.js";
import { passkeyLogin } from "./login.js";
import { removePasskey, renamePasskey } from "./manage.js";
import { LoginBody } from "./schemas.js";

/** As the API's rename: at most 100 characters (schemas.ts). */
const NAME_MAX = 100;

/**
 * The passkeys' pages: rename and remove from /account (plain forms), and the end of a
 * passkey sign-in, which the script posts as JSON and which answers where to go next.
 * Creating a passkey is the API's (POST /auth/passkeys/register/options, /register): the
 * script calls it with the session cookie, under the API's same-origin rule for cookies.
 */
export function registerPasskeyPages(app: App, env: PageEnv): void {
  const { deps } = env;

  const refuse = (ctx: PageContext, reply: FastifyReply, claims: AccessClaims, error: unknown) =>
    sendAccountRefusal(env, ctx, reply, claims, error, {
      MFA_REQUIRED: ctx.t("passkey.stepUp"),
      NOT_FOUND: ctx.t("passkey.notFound"),
      VALIDATION_FAILED: ctx.t("passkey.nameTooLong"),
    });

  app.post(
    PASSKEY_PAGES.rename,
    PAGE_ROUTE,
    signedInPage(env, async (ctx, claims, request, reply) => {
      const name = field(request.body, "name").trim();
      try {
        if (name.length > NAME_MAX) throw new AuthError("VALIDATION_FAILED");
        await renamePasskey(
          deps,
          claims,
          field(request.body, "id"),
          name === "" ? null : name,
          clientContext(request),
        );
      } catch (error) {
        return refuse(ctx, reply, claims, error);
      }
      return redirect(reply, href(ctx, "/account", { notice: "passkey-renamed" }));
    }),
  );

  app.post(
    PASSKEY_PAGES.remove,
    PAGE_ROUTE,
    signedInPage(env, async (ctx, claims, request, reply) => {
      try {
        await removePasskey(deps, claims, field(request.body, "id"), clientContext(request));
      } catch (error) {
        return refuse(ctx, reply, claims, error);
      }
      return redirect(reply, href(ctx, "/account", { notice: "passkey-removed" }));
    }),
  );

  // JSON in and out: the script sends the browser's answer and goes where it is told, a
  // session (cookies set here) to /account, a challenge to the second factor's page.
  app.post(
    PASSKEY_PAGES.signIn,
    { schema: { ...PAGE_ROUTE.schema, body: LoginBody } },
    async (request, reply) => {
      const ctx = pageContext(request, env);
      try {
        const result = await passkeyLogin(
          deps,
          // Checked by the schema; the library verifies every member it reads.
          request.body.response as AuthenticationResponseJSON,
          clientContext(request),
        );
        return { location: finishSignIn(reply, ctx, result, href(ctx, "/account")) };
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        if (error.retryAfter !== undefined) reply.header("retry-after", String(error.retryAfter));
        // MFA_REQUIRED here: a passkey without UV, for a user whose factors are all passkeys.
        const message =
          error.code === "MFA_REQUIRED" ? ctx.t("passkey.oneFactor") : codeMessage(ctx, error);
        return reply.code(error.status).send({ code: error.code, message });
      }
    },
  );
}
