export type { Aal, Auth, AuthMethod, Requirements, Role } from "./auth.js";
export {
  AccessDenied,
  type ErrorEnvelope,
  type RefusalCode,
  type RefusalReason,
} from "./errors.js";
export { type AuthOptions, createAuthenticator } from "./guard.js";
export { ACCESS_COOKIE, type TokenSource } from "./token.js";
export {
  createVerifier,
  defaultJwksUrl,
  type Verifier,
  type VerifierOptions,
  verifyAccessToken,
} from "./verify.js";
