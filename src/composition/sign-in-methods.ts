import type { SecondFactor, SignInGate } from "../domain/deps.js";
import { SECOND_FACTOR_METHODS } from "../domain/vocabulary.js";
import { registerErrorCodes } from "../errors.js";
import { CORE_OPERATIONS, type Operations } from "../http/openapi-operations.js";
import { registerMessages } from "../i18n/translate.js";
import { emailCodeSignIn } from "../methods/email-code/index.js";
import { oauthSignIn } from "../methods/oauth/index.js";
import { passkeySignIn } from "../methods/passkey/index.js";
import { passwordSignIn } from "../methods/password/index.js";
import type { SignInMethod } from "../methods/sign-in-method.js";
import { secondFactorSignIn } from "../methods/totp/index.js";
import { type MethodStoreBatching, registerMethodStores } from "../storage/method-stores.js";
import type { MethodPurge } from "../storage/purge.js";

/** The ways in that this server offers: adding one is a line here (README, "Architecture"). */
export const SIGN_IN_METHODS: readonly SignInMethod[] = [
  passwordSignIn,
  emailCodeSignIn,
  secondFactorSignIn,
  passkeySignIn,
  oauthSignIn,
];

for (const method of SIGN_IN_METHODS) {
  if (method.errors) registerErrorCodes(method.errors);
  if (method.messages) registerMessages(method.messages);
  if (method.stores) registerMethodStores(method.stores);
}

/** Every route's OpenAPI line: the core's and each method's. */
export const OPERATIONS: Operations = Object.assign(
  {},
  CORE_OPERATIONS,
  ...SIGN_IN_METHODS.map((method) => method.operations ?? {}),
);

/** Each method's housekeeping, beside the core's purge of expired rows. */
export const METHOD_PURGES: readonly MethodPurge[] = SIGN_IN_METHODS.flatMap(
  (method) => method.purges ?? [],
);

/** Each method's batching of its stores' concurrent calls (storage/batching.ts). */
export const METHOD_STORE_BATCHING: readonly MethodStoreBatching[] = SIGN_IN_METHODS.flatMap(
  (method) => (method.batching ? [method.batching] : []),
);

/** Asked in turn before any sign-in step issues a session. */
export const SIGN_IN_GATES: readonly SignInGate[] = SIGN_IN_METHODS.flatMap((method) =>
  method.gate ? [method.gate] : [],
);

/** Every method's ways to finish a second-factor challenge, in the order a challenge lists them. */
export const SECOND_FACTORS: readonly SecondFactor[] = SIGN_IN_METHODS.flatMap(
  (method) => method.secondFactors ?? [],
).sort((a, b) => SECOND_FACTOR_METHODS.indexOf(a.method) - SECOND_FACTOR_METHODS.indexOf(b.method));
