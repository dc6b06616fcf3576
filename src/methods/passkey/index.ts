import { LIMITED } from "../../http/openapi-operations.js";
import type { SignInMethod } from "../sign-in-method.js";
import { passkeyAccountSection } from "./account-section.js";
import { PASSKEY_ERRORS } from "./errors.js";
import { PASSKEY_MESSAGES } from "./messages.js";
import { registerPasskeyPages } from "./pages.js";
import { registerPasskeyRoutes } from "./routes.js";
import { passkeyFactor } from "./second-factor.js";
import { passkeySignInOption } from "./sign-in-option.js";
import { passkeyStores } from "./store.js";

/**
 * Passkeys (WebAuthn), README "Passkeys": a sign-in of their own, usernameless, at aal2 when
 * the authenticator verified the user. A user with a passkey has MFA, so aal1 sessions of
 * theirs step up before changing what protects the account.
 */
export const passkeySignIn: SignInMethod = {
  id: "passkey",
  routes: registerPasskeyRoutes,
  operations: {
    "POST /auth/passkeys/register/options": { operationId: "passkeyRegistrationOptions" },
    "POST /auth/passkeys/register": { operationId: "registerPasskey" },
    "POST /auth/passkeys/login/options": { operationId: "passkeyLoginOptions", answers: LIMITED },
    "POST /auth/passkeys/login": { operationId: "passkeyLogin", answers: LIMITED },
    "GET /auth/passkeys": { operationId: "listPasskeys" },
    "PATCH /auth/passkeys/:id": { operationId: "renamePasskey" },
    "DELETE /auth/passkeys/:id": { operationId: "removePasskey" },
    "POST /auth/mfa/passkey/options": { operationId: "passkeySecondFactorOptions" },
  },
  errors: PASSKEY_ERRORS,
  messages: PASSKEY_MESSAGES,
  pages: registerPasskeyPages,
  accountSection: passkeyAccountSection,
  signInOption: passkeySignInOption,
  stores: passkeyStores,
  secondFactors: [passkeyFactor],
  purges: [
    {
      name: "expired passkey challenges",
      run: (stores, now, limit) => stores.passkeys.purgeExpiredChallenges(now, limit),
    },
  ],
};
