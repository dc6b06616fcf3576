import { LIMITED } from "../../http/openapi-operations.js";
import type { SignInMethod } from "../sign-in-method.js";
import { secondFactorAccountSection } from "./account-section.js";
import { registerSecondFactorAdminRoutes } from "./admin-routes.js";
import { registerChallengeRoutes } from "./challenge-routes.js";
import { SECOND_FACTOR_ERRORS } from "./errors.js";
import { recoveryCodeFactor, totpFactor } from "./factors.js";
import { secondFactorGate } from "./gate.js";
import { SECOND_FACTOR_MESSAGES } from "./messages.js";
import { registerSecondFactorPages } from "./pages.js";
import { resetMfaCommand } from "./reset-mfa-command.js";
import { registerSecondFactorRoutes } from "./routes.js";
import { secondFactorStores } from "./store.js";
import { secondFactorBatching } from "./store-batching.js";

/**
 * A second factor: TOTP authenticator apps and recovery codes (README, "Second factors").
 * Its gate turns every one-factor sign-in of a user who has a factor into a challenge.
 */
export const secondFactorSignIn: SignInMethod = {
  id: "totp",
  routes: (app, deps) => {
    registerChallengeRoutes(app, deps);
    registerSecondFactorRoutes(app, deps);
    registerSecondFactorAdminRoutes(app, deps);
  },
  operations: {
    "POST /auth/mfa/verify": { operationId: "verifySecondFactor", answers: LIMITED },
    "GET /auth/mfa/factors": { operationId: "listSecondFactors" },
    "POST /auth/mfa/totp": { operationId: "startTotpEnrolment" },
    "POST /auth/mfa/totp/:factorId/confirm": { operationId: "confirmTotpFactor" },
    "DELETE /auth/mfa/factors/:id": { operationId: "removeSecondFactor" },
    "POST /auth/mfa/recovery-codes": { operationId: "regenerateRecoveryCodes" },
    "DELETE /admin/users/:id/mfa": { operationId: "adminResetSecondFactors" },
  },
  errors: SECOND_FACTOR_ERRORS,
  messages: SECOND_FACTOR_MESSAGES,
  pages: registerSecondFactorPages,
  accountSection: secondFactorAccountSection,
  stores: secondFactorStores,
  batching: secondFactorBatching,
  gate: secondFactorGate,
  secondFactors: [totpFactor, recoveryCodeFactor],
  commands: { "reset-mfa": resetMfaCommand },
  purges: [
    {
      name: "unconfirmed second factors",
      run: (stores, now, limit) => stores.secondFactors.dropStaleUnconfirmed(now, limit),
    },
    {
      name: "expired second-factor challenges",
      run: (stores, now, limit) => stores.secondFactors.purgeExpiredChallenges(now, limit),
    },
  ],
};
