import type { Deps } from "../../domain/deps.js";
import { login } from "../../domain/login.js";
import { clientContext } from "../client-context.js";
import { tokenReply } from "../token-reply.js";
import type { App } from "../types.js";
import { ErrorBody, LoginBody, TokenReply } from "./login.schemas.js";

export const LOGIN_PATHS = ["/auth/login"];

export function registerLoginRoutes(app: App, deps: Deps): void {
  for (const url of LOGIN_PATHS) {
    app.post(
      url,
      {
        schema: {
          tags: ["sessions"],
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
