import { LIMITED } from "../../http/openapi-operations.js";
import type { SignInMethod } from "../sign-in-method.js";
import { PASSWORD_MESSAGES } from "./messages.js";
import { registerSignInPages } from "./pages.js";
import { registerLoginRoutes } from "./routes.js";

/** Email and password: one factor (amr "pwd"). */
export const passwordSignIn: SignInMethod = {
  id: "password",
  routes: registerLoginRoutes,
  pages: registerSignInPages,
  messages: PASSWORD_MESSAGES,
  operations: {
    "POST /auth/login": { operationId: "login", answers: LIMITED },
    // Deprecated alias (http/routes/aliases.ts): the same answers as the route it aliases.
    "POST /login": { operationId: "loginAlias", answers: LIMITED },
  },
};
