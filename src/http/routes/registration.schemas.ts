import { Type } from "typebox";
import { SUPPORTED_LOCALES } from "../../i18n/locales.js";
import { ErrorBody, SuccessFields, TokenBundleFields, UserSchema } from "../envelope.js";

// Generous caps that only stop absurd input early; the domain applies the real rules
// (e.g. 254 for an email, 256 code points for a password) with field-level messages.
const Email = Type.String({ maxLength: 1024, description: "Trimmed and lowercased." });
const Password = Type.String({ maxLength: 4096, description: "8 to 256 characters after NFKC." });
const Code = Type.String({ maxLength: 64, description: "Exactly 6 digits.", examples: ["123456"] });

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    name: Type.Optional(Type.String({ maxLength: 1024 })),
    username: Type.Optional(Type.String({ maxLength: 1024 })),
    locale: Type.Optional(
      Type.String({
        maxLength: 35,
        description: `Language of the user's mail: ${SUPPORTED_LOCALES.join(", ")}, or a tag of one ("es-MX"). Default: from Accept-Language.`,
        examples: ["es"],
      }),
    ),
  },
  { additionalProperties: false },
);

export const RegisterReply = Type.Object({
  ...SuccessFields,
  userId: Type.String(),
  user: UserSchema,
  accessToken: Type.Optional(TokenBundleFields.accessToken),
  refreshToken: Type.Optional(TokenBundleFields.refreshToken),
  token: Type.Optional(TokenBundleFields.token),
  tokenType: Type.Optional(TokenBundleFields.tokenType),
  expiresIn: Type.Optional(TokenBundleFields.expiresIn),
  aal: Type.Optional(TokenBundleFields.aal),
  amr: Type.Optional(TokenBundleFields.amr),
});

export const VerifyEmailBody = Type.Object(
  {
    code: Code,
    userId: Type.Optional(Type.String({ maxLength: 64 })),
    id: Type.Optional(Type.String({ maxLength: 64, description: "Alias of userId." })),
    email: Type.Optional(Email),
  },
  { additionalProperties: false },
);

export const UserReply = Type.Object({ ...SuccessFields, user: UserSchema });

export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });

export const AcceptedReply = Type.Object(SuccessFields);

export { ErrorBody };
