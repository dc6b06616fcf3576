import { ErrorBody, ok, SIGNED_IN } from "../../http/envelope.js";
import { adminActor, requireAdmin } from "../../http/plugins/require-admin.js";
import { MessageReply, UserParams } from "../../http/routes/admin.schemas.js";
import type { App, AppDeps } from "../../http/types.js";
import { resetSecondFactors } from "./admin-reset.js";

export function registerSecondFactorAdminRoutes(app: App, deps: AppDeps): void {
  app.delete(
    "/admin/users/:id/mfa",
    {
      preHandler: requireAdmin(deps),
      schema: {
        tags: ["admin"],
        security: SIGNED_IN,
        summary: "Reset a user's second factors: factors and recovery codes go, sessions end",
        params: UserParams,
        response: { 200: MessageReply, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      await resetSecondFactors(deps, adminActor(request), request.params.id);
      return ok("Second factors reset. The user signs in with a password alone again.");
    },
  );
}
