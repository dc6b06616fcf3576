import { Type } from "typebox";
import { SuccessFields } from "../../http/envelope.js";

/**
 * WebAuthn's JSON members, as browsers and @simplewebauthn/browser send them. The objects
 * the browser builds keep additionalProperties: a member a later WebAuthn level adds must
 * not break sign-in; the library reads only what it knows. Lengths bound the work.
 */
const Base64Url = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: "^[A-Za-z0-9_-]+={0,2}$" });
const CredentialId = Base64Url(1366); // 1023 bytes at most (WebAuthn Level 3 §5.1, "credential ID").
const Open = { additionalProperties: true };
const Attachment = Type.Optional(
  Type.Union([Type.Literal("platform"), Type.Literal("cross-platform")]),
);
const ExtensionResults = Type.Object({}, { ...Open, description: "clientExtensionResults." });

const RegistrationResponse = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal("public-key"),
    response: Type.Object(
      {
        clientDataJSON: Base64Url(8192),
        attestationObject: Base64Url(65_536),
        authenticatorData: Type.Optional(Base64Url(65_536)),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(Base64Url(8192)),
      },
      Open,
    ),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ExtensionResults,
  },
  { ...Open, description: "RegistrationResponseJSON (WebAuthn Level 3), from the browser." },
);

export const AuthenticationResponse = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal("public-key"),
    response: Type.Object(
      {
        clientDataJSON: Base64Url(8192),
        authenticatorData: Base64Url(65_536),
        signature: Base64Url(8192),
        userHandle: Type.Optional(Type.String({ maxLength: 128 })),
      },
      Open,
    ),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ExtensionResults,
  },
  { ...Open, description: "AuthenticationResponseJSON (WebAuthn Level 3), from the browser." },
);

const Name = Type.String({ minLength: 1, maxLength: 100, description: "What the user calls it." });

export const RegisterBody = Type.Object(
  { response: RegistrationResponse, name: Type.Optional(Name) },
  { additionalProperties: false },
);

export const LoginOptionsBody = Type.Object(
  {
    email: Type.Optional(
      Type.String({ maxLength: 254, description: "Accepted and ignored: the answer is the same." }),
    ),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { response: AuthenticationResponse },
  { additionalProperties: false },
);

export const RenameBody = Type.Object(
  { name: Type.Union([Name, Type.Null()]) },
  { additionalProperties: false },
);

export const PasskeyParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const PasskeyView = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  backedUp: Type.Boolean({ description: "Synced to the user's other devices." }),
});

export const PasskeyReply = Type.Object({ ...SuccessFields, passkey: PasskeyView });
export const PasskeysReply = Type.Object({ ...SuccessFields, passkeys: Type.Array(PasskeyView) });
export const MessageReply = Type.Object(SuccessFields);

const Descriptor = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal("public-key"),
    transports: Type.Optional(Type.Array(Type.String())),
  },
  Open,
);
const Extensions = Type.Optional(Type.Object({}, Open));

/** PublicKeyCredentialCreationOptionsJSON's members, at the top level of the envelope. */
export const CreationOptionsReply = Type.Object({
  ...SuccessFields,
  challenge: Type.String(),
  rp: Type.Object({ name: Type.String(), id: Type.Optional(Type.String()) }, Open),
  user: Type.Object(
    { id: Type.String(), name: Type.String(), displayName: Type.String() },
    { ...Open, description: "id is the user's random handle, never their id or email." },
  ),
  pubKeyCredParams: Type.Array(
    Type.Object({ alg: Type.Integer(), type: Type.Literal("public-key") }, Open),
  ),
  timeout: Type.Optional(Type.Integer()),
  excludeCredentials: Type.Optional(Type.Array(Descriptor)),
  authenticatorSelection: Type.Optional(Type.Object({}, Open)),
  hints: Type.Optional(Type.Array(Type.String())),
  attestation: Type.Optional(Type.String()),
  attestationFormats: Type.Optional(Type.Array(Type.String())),
  extensions: Extensions,
});

/** PublicKeyCredentialRequestOptionsJSON's members, at the top level of the envelope. */
export const RequestOptionsReply = Type.Object({
  ...SuccessFields,
  challenge: Type.String(),
  timeout: Type.Optional(Type.Integer()),
  rpId: Type.Optional(Type.String()),
  allowCredentials: Type.Optional(Type.Array(Descriptor)),
  userVerification: Type.Optional(Type.String()),
  hints: Type.Optional(Type.Array(Type.String())),
  extensions: Extensions,
});
