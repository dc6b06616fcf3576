import { Type } from "typebox";
import { getAccountStats } from "../../domain/stats.js";
import { ErrorBody, ok, SIGNED_IN, SuccessFields } from "../envelope.js";
import { requireAdmin } from "../plugins/require-admin.js";
import type { App, AppDeps } from "../types.js";

const Count = Type.Integer({ minimum: 0 });

const StatsReply = Type.Object({
  ...SuccessFields,
  stats: Type.Object({
    users: Type.Object({
      total: Count,
      byStatus: Type.Object({ pending: Count, active: Count, blocked: Count }),
      byRole: Type.Object({ user: Count, admin: Count }),
    }),
    legacyPasswordHashes: Type.Integer({
      minimum: 0,
      description: "Users whose password is still an imported bcrypt hash.",
    }),
    sessions: Type.Object({ live: Count }),
    mfa: Type.Object({
      enabled: Type.Integer({
        minimum: 0,
        description: "Users with at least one confirmed second factor.",
      }),
    }),
  }),
});

/** Counts of users, legacy hashes and sessions: what an operator checks after an import. */
export function registerAdminStatsRoutes(app: App, deps: AppDeps): void {
  app.get(
    "/admin/stats",
    {
      preHandler: requireAdmin(deps),
      schema: {
        tags: ["admin"],
        security: SIGNED_IN,
        operationId: "getAdminStats",
        summary:
          "Users by status and role, legacy password hashes, users with MFA and live sessions",
        response: { 200: StatsReply, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => ok("Account statistics.", { stats: await getAccountStats(deps) }),
  );
}
