import { LIMITED } from "../../http/openapi-operations.js";
import type { SignInMethod } from "../sign-in-method.js";
import { registerResetPages } from "./pages.js";
import { registerRecoveryRoutes } from "./routes.js";

/**
 * A reset link or code mailed to the account's address: proves the mailbox (amr "email"),
 * sets a new password and signs the user in.
 */
export const emailCodeSignIn: SignInMethod = {
  id: "email-code",
  routes: registerRecoveryRoutes,
  pages: registerResetPages,
  operations: {
    "POST /auth/forgot-password": { operationId: "forgotPassword", answers: LIMITED },
    "POST /auth/reset-password": { operationId: "resetPassword", answers: LIMITED },
    "POST /auth/reset-password/:token": { operationId: "resetPasswordByLink", answers: LIMITED },
    // Deprecated aliases (http/routes/aliases.ts): the same answers as the routes they alias.
    "POST /forgot-password": { operationId: "forgotPasswordAlias", answers: LIMITED },
    "POST /api/auth/forget-password-mail": {
      operationId: "forgetPasswordMailAlias",
      answers: LIMITED,
    },
    "POST /reset-password": { operationId: "resetPasswordAlias", answers: LIMITED },
    "POST /api/auth/forget-password": { operationId: "forgetPasswordAlias", answers: LIMITED },
  },
};
