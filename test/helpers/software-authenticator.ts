import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";

/**
 * A WebAuthn authenticator in software, for tests: it answers the server's options as a
 * browser and a passkey would, with every byte built here by hand (authenticator data, the
 * COSE key in a small CBOR encoder, "none" attestation, assertion signatures), so the server's
 * checks meet real data. Knobs let a test break one thing at a time: the origin, the RP ID,
 * the flags, the counter, the algorithm.
 */

/** COSE algorithms (IANA): the three the server accepts, and ES384 which it must refuse. */
export type Algorithm = "ES256" | "EdDSA" | "RS256" | "ES384";

export interface AuthenticatorOptions {
  algorithm?: Algorithm;
  /** The page's origin as the browser reports it in clientDataJSON. */
  origin: string;
  /** The RP ID whose SHA-256 starts the authenticator data. */
  rpId: string;
  /** UV: the authenticator verified the user (PIN, biometric). */
  userVerified?: boolean;
  /** BE and BS: a synced, backed-up passkey. */
  backedUp?: boolean;
}

/** Per response: what to report differently from the authenticator's settings. */
export interface Overrides {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  userPresent?: boolean;
  /** The signature counter to report instead of the next one. */
  counter?: number;
  /** A challenge to sign instead of the options' one. */
  challenge?: string;
  type?: string;
}

interface CreationOptions {
  challenge: string;
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
}

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16).toString("base64url");
  /** The user handle the server gave at registration, answered back at sign-in. */
  userHandle: string | undefined;
  /** The last counter value reported; each assertion reports one more. */
  counter = 0;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor(readonly options: AuthenticatorOptions) {
    const pair = keyPairFor(options.algorithm ?? "ES256");
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  /** navigator.credentials.create(): a RegistrationResponseJSON. */
  register(options: CreationOptions, overrides: Overrides = {}) {
    this.userHandle = options.user.id;
    const clientDataJSON = this.clientData("webauthn.create", options.challenge, overrides);
    const attested = Buffer.concat([
      Buffer.alloc(16), // AAGUID: all zeros, as "none" attestation gives it
      u16(Buffer.from(this.credentialId, "base64url").length),
      Buffer.from(this.credentialId, "base64url"),
      cbor(coseKey(this.options.algorithm ?? "ES256", this.publicKey)),
    ]);
    const authData = this.authenticatorData(overrides, FLAG.AT, 0, attested);
    const attestationObject = cbor(
      new Map<string, CborValue>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        attestationObject: attestationObject.toString("base64url"),
        transports: ["internal", "hybrid"],
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get(): an AuthenticationResponseJSON, signed by the credential. */
  assert(options: RequestOptions, overrides: Overrides = {}) {
    const counter = overrides.counter ?? this.counter + 1;
    this.counter = counter;
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, overrides);
    const authData = this.authenticatorData(overrides, 0, counter);
    const signed = Buffer.concat([authData, createHash("sha256").update(clientDataJSON).digest()]);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: "public-key",
      response: {
        clientDataJSON: clientDataJSON.toString("base64url"),
        authenticatorData: authData.toString("base64url"),
        signature: signatureOf(this.options.algorithm ?? "ES256", this.privateKey, signed),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
    };
  }

  private clientData(type: string, challenge: string, overrides: Overrides): Buffer {
    return Buffer.from(
      JSON.stringify({
        type: overrides.type ?? type,
        challenge: overrides.challenge ?? challenge,
        origin: overrides.origin ?? this.options.origin,
        crossOrigin: false,
      }),
    );
  }

  /** rpIdHash (32) | flags (1) | signCount (4, big-endian) | attested credential data. */
  private authenticatorData(
    overrides: Overrides,
    extraFlags: number,
    counter: number,
    attested = Buffer.alloc(0),
  ): Buffer {
    const rpIdHash = createHash("sha256")
      .update(overrides.rpId ?? this.options.rpId)
      .digest();
    let flags = extraFlags;
    if (overrides.userPresent ?? true) flags |= FLAG.UP;
    if (overrides.userVerified ?? this.options.userVerified ?? true) flags |= FLAG.UV;
    if (this.options.backedUp) flags |= FLAG.BE | FLAG.BS;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([rpIdHash, Buffer.from([flags]), count, attested]);
  }
}

function keyPairFor(algorithm: Algorithm) {
  switch (algorithm) {
    case "ES256":
      return generateKeyPairSync("ec", { namedCurve: "P-256" });
    case "ES384":
      return generateKeyPairSync("ec", { namedCurve: "P-384" });
    case "EdDSA":
      return generateKeyPairSync("ed25519");
    case "RS256":
      return generateKeyPairSync("rsa", { modulusLength: 2048 });
  }
}

/** WebAuthn signatures: ECDSA in DER (§6.5.6), Ed25519 raw, RSASSA-PKCS1-v1_5 with SHA-256. */
function signatureOf(algorithm: Algorithm, key: KeyObject, data: Buffer): string {
  const hash = algorithm === "ES384" ? "sha384" : algorithm === "EdDSA" ? null : "sha256";
  return sign(hash, data, key).toString("base64url");
}

/** The public key as a COSE_Key map (RFC 9053): kty, alg and the curve or modulus members. */
function coseKey(algorithm: Algorithm, key: KeyObject): Map<number, CborValue> {
  const jwk = key.export({ format: "jwk" });
  const bytes = (member: string | undefined) => Buffer.from(member ?? "", "base64url");
  switch (algorithm) {
    case "ES256":
    case "ES384":
      return new Map<number, CborValue>([
        [1, 2], // kty: EC2
        [3, algorithm === "ES256" ? -7 : -35],
        [-1, algorithm === "ES256" ? 1 : 2], // crv: P-256 or P-384
        [-2, bytes(jwk.x)],
        [-3, bytes(jwk.y)],
      ]);
    case "EdDSA":
      return new Map<number, CborValue>([
        [1, 1], // kty: OKP
        [3, -8],
        [-1, 6], // crv: Ed25519
        [-2, bytes(jwk.x)],
      ]);
    case "RS256":
      return new Map<number, CborValue>([
        [1, 3], // kty: RSA
        [3, -257],
        [-1, bytes(jwk.n)],
        [-2, bytes(jwk.e)],
      ]);
  }
}

type CborValue = number | string | Buffer | Map<number | string, CborValue>;

/** The little CBOR (RFC 8949) these structures need: integers, bytes, text and maps. */
function cbor(value: CborValue): Buffer {
  if (typeof value === "number") {
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === "string") {
    const text = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, text.length), text]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const parts = [head(5, value.size)];
  for (const [key, member] of value) parts.push(cbor(key), cbor(member));
  return Buffer.concat(parts);
}

function head(major: number, length: number): Buffer {
  const type = major << 5;
  if (length < 24) return Buffer.from([type | length]);
  if (length < 0x100) return Buffer.from([type | 24, length]);
  if (length < 0x10000) return Buffer.concat([Buffer.from([type | 25]), u16(length)]);
  const four = Buffer.alloc(5);
  four[0] = type | 26;
  four.writeUInt32BE(length, 1);
  return four;
}

function u16(value: number): Buffer {
  const two = Buffer.alloc(2);
  two.writeUInt16BE(value);
  return two;
}
