import { login } from "../../domain/login.js";
import { clientContext } from "../client-context.js";
import { tokenReply } from "../token-reply.js";
import type { App, AppDeps } from "../types.js";
import { withAliases } from "./aliases.js";
import { ErrorBody, LoginBody, TokenReply } from "./login.schemas.js";

export function registerLoginRoutes(app: App, deps: AppDeps): void {
  for (const [url, variant] of withAliases("/auth/login", ["sessions"], ["/login"])) {
    app.post(
      url,
      {
        schema: {
          ...variant,
          summary: "Sign in with email and password",
          body: LoginBody,
          response: { 200: TokenReply, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (request, reply) => {
        const tokens = await login(deps, request.body, clientContext(request));
        return tokenReply(reply, deps.config, tokens, "Signed in.");
      },
    );
  }
}
