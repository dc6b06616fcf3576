export { createLatchkeyClient, type LatchkeyClient, type LatchkeyClientOptions } from "./client.js";
export { inProcessLock, type RefreshLock, webLock } from "./coordination.js";
export {
  type ClientErrorCode,
  type FieldError,
  isLatchkeyError,
  LatchkeyError,
  type LatchkeyErrorCode,
} from "./errors.js";
export type { Operations, ServerErrorCode } from "./generated/openapi.js";
export { API_VERSION } from "./generated/openapi.js";
export { base64urlToBytes, bytesToBase64url, credentialToJSON } from "./passkey-browser.js";
export type { AuthEvent, AuthListener, FetchLike } from "./session-keeper.js";
export {
  cookieStorage,
  type KeyValueStore,
  localStorageStorage,
  memoryStorage,
  type StoredSession,
  type TokenStorage,
} from "./storage.js";
export * from "./types.js";
