import { LIMITED } from "../../http/openapi-operations.js";
import type { SignInMethod } from "../sign-in-method.js";
import { oauthAccountSection } from "./account-section.js";
import { OAUTH_ERRORS } from "./errors.js";
import { OAUTH_MESSAGES } from "./messages.js";
import { registerOAuthPages } from "./pages.js";
import { registerOAuthRoutes } from "./routes.js";
import { oauthSignInOption } from "./sign-in-option.js";
import { oauthStores } from "./store.js";

/**
 * Sign-in with other providers (README, "Sign-in with other providers"): any OpenID Connect
 * provider by discovery, presets for the well-known ones, GitHub's OAuth 2.0. A provider is
 * one factor: users with MFA are asked for their second one after it.
 */
export const oauthSignIn: SignInMethod = {
  id: "oauth",
  routes: registerOAuthRoutes,
  operations: {
    "GET /auth/oauth/providers": { operationId: "listOAuthProviders" },
    "GET /auth/oauth/:provider/authorize": {
      operationId: "authorizeWithProvider",
      answers: LIMITED,
    },
    "GET /auth/oauth/:provider/link": { operationId: "linkProvider", answers: LIMITED },
    "GET /auth/oauth/:provider/callback": { operationId: "providerCallback" },
    "POST /auth/oauth/:provider/callback": { operationId: "providerFormPostCallback" },
    "POST /auth/oauth/token": { operationId: "exchangeOAuthCode", answers: LIMITED },
    "GET /auth/identities": { operationId: "listIdentities" },
    "DELETE /auth/identities/:id": { operationId: "removeIdentity" },
  },
  errors: OAUTH_ERRORS,
  messages: OAUTH_MESSAGES,
  pages: registerOAuthPages,
  accountSection: oauthAccountSection,
  signInOption: oauthSignInOption,
  stores: oauthStores,
  purges: [
    {
      name: "expired provider states and codes",
      run: (stores, now, limit) => stores.oauth.purgeExpired(now, limit),
    },
  ],
};
