import { LIMITED } from "../../http/openapi-operations.js";
import type { SignInMethod } from "../sign-in-method.js";
import { SECOND_FACTOR_ERRORS } from "./errors.js";
import { secondFactorGate } from "./gate.js";
import { SECOND_FACTOR_MESSAGES } from "./messages.js";
import { registerSecondFactorPages } from "./pages.js";
import { registerSecondFactorRoutes } from "./routes.js";
import { secondFactorStores } from "./store.js";

/**
 * A second factor: TOTP authenticator apps and recovery codes (README, "Second factors").
 * Its gate turns every one-factor sign-in of a user who has a factor into a challenge.
 */
export const secondFactorSignIn: SignInMethod = {
  id: "totp",
  routes: registerSecondFactorRoutes,
  operations: {
    "POST /auth/mfa/verify": { operationId: "verifySecondFactor", answers: LIMITED },
    "GET /auth/mfa/factors": { operationId: "listSecondFactors" },
    "POST /auth/mfa/totp": { operationId: "startTotpEnrolment" },
    "POST /auth/mfa/totp/:factorId/confirm": { operationId: "confirmTotpFactor" },
    "DELETE /auth/mfa/factors/:id": { operationId: "removeSecondFactor" },
    "POST /auth/mfa/recovery-codes": { operationId: "regenerateRecoveryCodes" },
  },
  errors: SECOND_FACTOR_ERRORS,
  messages: SECOND_FACTOR_MESSAGES,
  pages: registerSecondFactorPages,
  stores: secondFactorStores,
  gate: secondFactorGate,
};
