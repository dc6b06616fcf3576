import { clientContext } from "../../http/client-context.js";
import { withAliases } from "../../http/routes/aliases.js";
import { signInReply } from "../../http/token-reply.js";
import { ErrorBody, SignInReply } from "../../http/token-schemas.js";
import type { App, AppDeps } from "../../http/types.js";
import { login } from "./login.js";
import { LoginBody } from "./schemas.js";

export function registerLoginRoutes(app: App, deps: AppDeps): void {
  for (const [url, variant] of withAliases("/auth/login", ["sessions"], ["/login"])) {
    app.post(
      url,
      {
        schema: {
          ...variant,
          summary: "Sign in with email and password",
          body: LoginBody,
          response: { 200: SignInReply, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (request, reply) => {
        const result = await login(deps, request.body, clientContext(request));
        return signInReply(reply, deps.config, result, "Signed in.");
      },
    );
  }
}
