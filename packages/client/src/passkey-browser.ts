import { LatchkeyError } from "./errors.js";
import type {
  AuthenticationResponseJSON,
  PasskeyCreationOptionsJSON,
  PasskeyRequestOptionsJSON,
  RegistrationResponseJSON,
} from "./types.js";

/**
 * The browser half of a passkey ceremony: WebAuthn's JSON options (base64url strings) to the
 * ArrayBuffers navigator.credentials wants, and its credential back to the JSON the server
 * reads. Structural types, so the package needs no DOM typings.
 */

export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function bytesToBase64url(bytes: ArrayBuffer | ArrayBufferView): string {
  const view =
    bytes instanceof ArrayBuffer
      ? new Uint8Array(bytes)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let binary = "";
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

interface Descriptor {
  id: string;
  type: string;
  transports?: string[];
}

const asBuffers = (list: Descriptor[] | undefined) =>
  list?.map((d) => ({ ...d, id: base64urlToBytes(d.id) }));

/** The `publicKey` member of navigator.credentials.create() from the server's options. */
export function creationOptions(json: PasskeyCreationOptionsJSON) {
  const { success: _s, message: _m, ...options } = json;
  return {
    ...options,
    challenge: base64urlToBytes(options.challenge),
    user: { ...options.user, id: base64urlToBytes(options.user.id) },
    excludeCredentials: asBuffers(options.excludeCredentials),
  };
}

/** The `publicKey` member of navigator.credentials.get() from the server's options. */
export function requestOptions(json: PasskeyRequestOptionsJSON) {
  const { success: _s, message: _m, ...options } = json;
  return {
    ...options,
    challenge: base64urlToBytes(options.challenge),
    allowCredentials: asBuffers(options.allowCredentials),
  };
}

interface CredentialLike {
  id: string;
  rawId: ArrayBuffer;
  type: string;
  authenticatorAttachment?: string | null;
  response: Record<string, unknown> & { clientDataJSON: ArrayBuffer };
  getClientExtensionResults?: () => Record<string, unknown>;
}

/** A PublicKeyCredential as the WebAuthn Level 3 JSON the server reads (toJSON, or by hand). */
export function credentialToJSON(credential: CredentialLike): Record<string, unknown> {
  const own = (credential as { toJSON?: () => Record<string, unknown> }).toJSON;
  if (typeof own === "function") return own.call(credential);
  const response: Record<string, unknown> = {};
  const r = credential.response as Record<string, unknown> & {
    getTransports?: () => string[];
  };
  for (const name of ["clientDataJSON", "attestationObject", "authenticatorData", "signature"]) {
    const value = r[name];
    if (value instanceof ArrayBuffer) response[name] = bytesToBase64url(value);
  }
  if (r.userHandle instanceof ArrayBuffer) response.userHandle = bytesToBase64url(r.userHandle);
  if (typeof r.getTransports === "function") response.transports = r.getTransports();
  return {
    id: credential.id,
    rawId: bytesToBase64url(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
    ...(credential.authenticatorAttachment
      ? { authenticatorAttachment: credential.authenticatorAttachment }
      : {}),
  };
}

interface CredentialsContainer {
  create(options: { publicKey: unknown }): Promise<unknown>;
  get(options: { publicKey: unknown }): Promise<unknown>;
}

function credentials(): CredentialsContainer {
  const navigator = Reflect.get(globalThis, "navigator") as
    | { credentials?: CredentialsContainer }
    | undefined;
  if (!navigator?.credentials) {
    throw new LatchkeyError("INVALID_PASSKEY", 0, "This platform has no WebAuthn.");
  }
  return navigator.credentials;
}

async function ceremony(run: () => Promise<unknown>): Promise<Record<string, unknown>> {
  const credential = await run();
  if (!credential) throw new LatchkeyError("INVALID_PASSKEY", 0, "No passkey was chosen.");
  return credentialToJSON(credential as CredentialLike);
}

export async function createPasskey(
  options: PasskeyCreationOptionsJSON,
): Promise<RegistrationResponseJSON> {
  const json = await ceremony(() => credentials().create({ publicKey: creationOptions(options) }));
  return json as RegistrationResponseJSON;
}

export async function getPasskey(
  options: PasskeyRequestOptionsJSON,
): Promise<AuthenticationResponseJSON> {
  const json = await ceremony(() => credentials().get({ publicKey: requestOptions(options) }));
  return json as AuthenticationResponseJSON;
}
