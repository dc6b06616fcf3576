import type { FastifyReply, FastifyRequest } from "fastify";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import type { App } from "../../http/types.js";
import { field, href, type PageContext, type PageEnv, pageContext } from "../../pages/context.js";
import { formErrors } from "../../pages/form-errors.js";
import { finishSignIn, PAGE_ROUTE, redirect, sendHtml, sendRefused } from "../../pages/respond.js";
import { isResetLinkLive, requestPasswordReset, resetPassword } from "./recovery.js";
import {
  forgotPasswordPage,
  invalidResetLinkPage,
  resetPasswordPage,
  resetSentPage,
} from "./reset-pages.js";

// A link that was used, expired or replaced existed once: 410 Gone says so.
const GONE = 410;

interface TokenParams {
  token: string;
}

export function registerResetPages(app: App, env: PageEnv): void {
  const { deps } = env;

  app.get("/password/forgot", PAGE_ROUTE, async (request, reply) =>
    sendHtml(reply, forgotPasswordPage(pageContext(request, env), { email: "", errors: [] })),
  );

  app.post("/password/forgot", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const email = field(request.body, "email").trim();
    try {
      await requestPasswordReset(deps, email, "link", clientContext(request));
      return sendHtml(reply, resetSentPage(ctx, email));
    } catch (error) {
      const errors = formErrors(ctx, error);
      return sendRefused(reply, error, forgotPasswordPage(ctx, { email, errors }));
    }
  });

  // Scanner-safe: a GET only looks at the token. Mail scanners and link previews open
  // it; only the form's POST uses it up.
  app.get<{ Params: TokenParams }>("/password/reset/:token", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const { token } = request.params;
    if (!(await isResetLinkLive(deps, token))) {
      return sendHtml(reply, invalidResetLinkPage(ctx), GONE);
    }
    return sendHtml(reply, resetPasswordPage(ctx, { token, email: "", code: "", errors: [] }));
  });

  app.post<{ Params: TokenParams }>("/password/reset/:token", PAGE_ROUTE, (request, reply) =>
    reset(request, reply, request.params.token),
  );

  // The reset-by-code mail links here with the email and the code filled in.
  app.get("/password/reset", PAGE_ROUTE, async (request, reply) =>
    sendHtml(
      reply,
      resetPasswordPage(pageContext(request, env), {
        email: field(request.query, "email").trim(),
        code: field(request.query, "code").replace(/\D/g, "").slice(0, 6),
        errors: [],
      }),
    ),
  );

  app.post("/password/reset", PAGE_ROUTE, (request, reply) => reset(request, reply, undefined));

  /** One handler for both forms: the same domain call the API's reset-password makes. */
  async function reset(request: FastifyRequest, reply: FastifyReply, token: string | undefined) {
    const ctx = pageContext(request, env);
    const email = field(request.body, "email").trim();
    const code = field(request.body, "code").trim();
    try {
      const result = await resetPassword(
        deps,
        {
          ...(token === undefined ? { email, code } : { token }),
          password: field(request.body, "password"),
          confirmPassword: field(request.body, "confirmPassword"),
        },
        clientContext(request),
      );
      const account = href(ctx, "/account", { notice: "password-reset" });
      return redirect(reply, finishSignIn(reply, ctx, result, account));
    } catch (error) {
      if (token !== undefined && error instanceof AuthError && error.code === "INVALID_TOKEN") {
        return sendHtml(reply, invalidResetLinkPage(ctx), GONE);
      }
      return sendRefused(reply, error, resetForm(ctx, error, { token, email, code }));
    }
  }
}

function resetForm(
  ctx: PageContext,
  error: unknown,
  view: { token: string | undefined; email: string; code: string },
) {
  const errors = formErrors(ctx, error);
  if (error instanceof AuthError && error.code === "INVALID_TOKEN" && errors[0]) {
    errors[0].action = { href: href(ctx, "/password/forgot"), label: ctx.t("reset.askNew") };
  }
  return resetPasswordPage(ctx, { ...view, errors });
}
