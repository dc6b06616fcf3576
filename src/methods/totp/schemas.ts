import { Type } from "typebox";
import { SECOND_FACTOR_METHODS } from "../../domain/vocabulary.js";
import { SuccessFields, TokenBundleFields } from "../../http/envelope.js";

const Code = Type.String({ maxLength: 64, description: "6 digits, or a recovery code." });

export const EnrolBody = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 100, description: "What the user calls it." })) },
  { additionalProperties: false },
);

export const EnrolReply = Type.Object({
  ...SuccessFields,
  factorId: Type.String(),
  secret: Type.String({ description: "Base32, for typing into an app that cannot scan." }),
  otpauthUrl: Type.String(),
  qrSvg: Type.String({ description: "The otpauth URL as an inline SVG QR code." }),
});

export const FactorParams = Type.Object({ factorId: Type.String({ maxLength: 64 }) });
export const FactorIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const CodeBody = Type.Object({ code: Code }, { additionalProperties: false });

const RecoveryCodes = Type.Array(Type.String(), {
  description: "Shown once: each works once in place of a code from the app.",
});

export const ConfirmReply = Type.Object({
  ...SuccessFields,
  ...TokenBundleFields,
  recoveryCodes: Type.Optional(RecoveryCodes),
});

const MfaToken = Type.Optional(
  Type.String({
    maxLength: 128,
    description:
      "From the sign-in's challenge; a browser client may leave it to the lk_mfa cookie.",
  }),
);

export const VerifyBody = Type.Object(
  {
    mfaToken: MfaToken,
    method: Type.Enum(SECOND_FACTOR_METHODS),
    code: Type.Optional(Code),
    response: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description: "For `passkey`: the AuthenticationResponseJSON from the browser.",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const MfaTokenBody = Type.Object({ mfaToken: MfaToken }, { additionalProperties: false });

export const FactorsReply = Type.Object({
  ...SuccessFields,
  factors: Type.Array(
    Type.Object({
      id: Type.String(),
      type: Type.Literal("totp"),
      name: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String({ format: "date-time" }),
      lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
    }),
  ),
  recoveryCodesLeft: Type.Integer(),
});

export const RecoveryCodesReply = Type.Object({ ...SuccessFields, recoveryCodes: RecoveryCodes });

export const MessageReply = Type.Object(SuccessFields);

/** A factor's own options (a passkey's PublicKeyCredentialRequestOptionsJSON), at the top level. */
export const OptionsReply = Type.Object(
  { ...SuccessFields },
  { additionalProperties: true, description: "The factor's options, as its API documents them." },
);
