import { Type } from "typebox";
import { ErrorBody, SuccessFields } from "../../http/envelope.js";

const Password = Type.String({ maxLength: 4096 });

export const ForgotPasswordBody = Type.Object(
  {
    email: Type.String({ maxLength: 1024 }),
    method: Type.Optional(
      Type.Union([Type.Literal("link"), Type.Literal("code")], {
        default: "link",
        description: "link (default) mails a reset link; code mails a 6-digit code.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** Older clients send only the email: the code method is implied by their route. */
export const ForgotPasswordCodeBody = Type.Object(
  { email: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);

export const ResetPasswordBody = Type.Object(
  {
    token: Type.Optional(Type.String({ maxLength: 512, description: "From the reset link." })),
    email: Type.Optional(Type.String({ maxLength: 1024 })),
    code: Type.Optional(Type.String({ maxLength: 64, description: "6 digits, with email." })),
    password: Type.Optional(Password),
    newPassword: Type.Optional({ ...Password, description: "Alias of password." }),
    confirmPassword: Type.Optional({ ...Password, description: "Must match when given." }),
  },
  { additionalProperties: false },
);

export const ResetTokenQuery = Type.Object(
  { token: Type.Optional(Type.String({ maxLength: 512 })) },
  { additionalProperties: false },
);

export const ResetTokenParams = Type.Object({ token: Type.String({ maxLength: 512 }) });

export const AcceptedReply = Type.Object(SuccessFields);

export { ErrorBody };
