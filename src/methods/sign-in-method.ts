import type { Command } from "../cli/usage.js";
import type { SecondFactor, SignInGate } from "../domain/deps.js";
import type { ErrorSpec } from "../errors.js";
import type { OperationEntry } from "../http/openapi-operations.js";
import type { App, AppDeps } from "../http/types.js";
import type { MethodMessages } from "../i18n/translate.js";
import type { AccountSection, PageEnv, SignInOption } from "../pages/context.js";
import type { MethodStoreBatching, MethodStoreFactories } from "../storage/method-stores.js";
import type { MethodPurge } from "../storage/purge.js";

/**
 * One way of signing in, all in its folder under src/methods/: its domain rules, routes and
 * their schemas, error codes and OpenAPI lines. src/composition/sign-in-methods.ts switches
 * it on; nothing else names it. Its tables, if any, are one line in storage/migrate.ts.
 */
export interface SignInMethod {
  /** Names the method in logs and documentation. */
  readonly id: string;
  /** Registers its API routes in the API's scope (security headers, CORS, OpenAPI). */
  readonly routes?: (app: App, deps: AppDeps) => void;
  /** The OpenAPI line of each of its routes, keyed "METHOD /path" (http/openapi-operations.ts). */
  readonly operations?: Readonly<Record<string, OperationEntry>>;
  /** Its own error codes, in the one envelope and README reference like every other. */
  readonly errors?: Readonly<Record<string, ErrorSpec>>;
  /** The words of its pages and mail, in each language (i18n/translate.ts). */
  readonly messages?: MethodMessages;
  /** Registers its hosted pages, in the pages' scope (their CSP, form parser, error pages). */
  readonly pages?: (pages: App, env: PageEnv) => void;
  /** Its part of the /account page (pages/context.ts), e.g. the user's second factors. */
  readonly accountSection?: AccountSection;
  /** Its way in on /sign-in beside the password form (pages/context.ts), e.g. a passkey. */
  readonly signInOption?: SignInOption;
  /** Its stores, over its own tables (storage/method-stores.ts); in every transaction too. */
  readonly stores?: MethodStoreFactories;
  /** Its stores' batching of concurrent calls (storage/batching.ts), applied by the root. */
  readonly batching?: MethodStoreBatching;
  /** Its housekeeping, run with the purge of expired rows (every 10 minutes, and the CLI's). */
  readonly purges?: readonly MethodPurge[];
  /** Its `latchkey` commands, by name. */
  readonly commands?: Readonly<Record<string, Command>>;
  /** Asks for more proof before a session is issued: a second factor (sign-in-step.ts). */
  readonly gate?: SignInGate;
  /** Its ways to finish a sign-in that asked for a second factor (POST /auth/mfa/verify). */
  readonly secondFactors?: readonly SecondFactor[];
}
