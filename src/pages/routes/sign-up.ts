import { registerUser } from "../../domain/registration.js";
import { AuthError } from "../../errors.js";
import { clientContext } from "../../http/client-context.js";
import { setSessionCookies } from "../../http/cookies.js";
import type { App } from "../../http/types.js";
import { field, href, type PageEnv, pageContext } from "../context.js";
import { formErrors } from "../form-errors.js";
import { PAGE_ROUTE, redirect, sendHtml, sendRefused } from "../respond.js";
import { signUpPage } from "../templates/sign-up.js";

export function registerSignUpRoutes(app: App, env: PageEnv): void {
  const { deps } = env;
  const options = env.signInOptions.filter((option) => option.onSignUp);

  app.get("/sign-up", PAGE_ROUTE, async (request, reply) =>
    sendHtml(
      reply,
      signUpPage(pageContext(request, env), { email: "", name: "", errors: [], options }),
    ),
  );

  app.post("/sign-up", PAGE_ROUTE, async (request, reply) => {
    const ctx = pageContext(request, env);
    const email = field(request.body, "email");
    const name = field(request.body, "name");
    try {
      // The page's language becomes the user's: their mail is written in it from now on.
      const { user, tokens } = await registerUser(
        deps,
        {
          email,
          password: field(request.body, "password"),
          name: name.trim() === "" ? undefined : name,
          locale: ctx.locale,
        },
        clientContext(request),
      );
      if (tokens) {
        setSessionCookies(reply, deps.config, tokens);
        return redirect(reply, href(ctx, "/account"));
      }
      return redirect(reply, href(ctx, "/verify-email", { email: user.email }));
    } catch (error) {
      const errors = formErrors(ctx, error);
      if (error instanceof AuthError && error.code === "EMAIL_TAKEN" && errors[0]) {
        errors[0].action = { href: href(ctx, "/sign-in"), label: ctx.t("signUp.signIn") };
      }
      return sendRefused(reply, error, signUpPage(ctx, { email, name, errors, options }));
    }
  });
}
