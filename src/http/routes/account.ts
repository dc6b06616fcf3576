import { changePassword } from "../../domain/account.js";
import type { Deps } from "../../domain/deps.js";
import { toPublicUser } from "../../domain/public-user.js";
import { clientContext } from "../client-context.js";
import { ok, SIGNED_IN } from "../envelope.js";
import { authenticate, requireAuth, requireSignedIn } from "../plugins/authenticate.js";
import { ErrorBody, MeReply } from "../token-schemas.js";
import type { App } from "../types.js";
import { ChangePasswordBody, MessageReply } from "./sessions.schemas.js";

export function registerAccountRoutes(app: App, deps: Deps): void {
  const requireUser = authenticate(deps);
  app.get(
    "/auth/me",
    {
      preHandler: requireUser,
      schema: {
        tags: ["account"],
        summary: "The signed-in user",
        security: SIGNED_IN,
        response: { 200: MeReply, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      // authenticate loaded the user with the session check: no second lookup.
      const { user, assurance } = requireSignedIn(request);
      return ok("The signed-in user.", {
        user: toPublicUser(user),
        aal: assurance.aal,
        amr: assurance.amr,
      });
    },
  );

  app.post(
    "/auth/change-password",
    {
      preHandler: requireUser,
      schema: {
        tags: ["account"],
        summary: "Change the password; every other session ends",
        security: SIGNED_IN,
        body: ChangePasswordBody,
        response: { 200: MessageReply, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      await changePassword(deps, requireAuth(request), request.body, clientContext(request));
      return ok("Password changed. Other sessions were signed out.");
    },
  );
}
