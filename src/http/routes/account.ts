import { getCurrentUser } from "../../domain/account.js";
import type { Deps } from "../../domain/deps.js";
import { toPublicUser } from "../../domain/public-user.js";
import { ok } from "../envelope.js";
import { authenticate } from "../plugins/authenticate.js";
import type { App } from "../types.js";
import { ErrorBody, MeReply } from "./login.schemas.js";

export function registerAccountRoutes(app: App, deps: Deps): void {
  const requireUser = authenticate(deps.tokens, deps.clock);
  app.get(
    "/auth/me",
    {
      preHandler: requireUser,
      schema: {
        tags: ["account"],
        summary: "The signed-in user",
        security: [{ bearerAuth: [] }, { cookieAuth: [] }],
        response: { 200: MeReply, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const claims = request.auth;
      if (!claims) throw new Error("authenticate preHandler did not run");
      const user = await getCurrentUser(deps, claims);
      return ok("The signed-in user.", { user: toPublicUser(user) });
    },
  );
}
