import { Type } from "typebox";

/** `{ success: true, message, ...data }`: the success half of the API reference's envelope. */
export function ok<T extends object>(
  message: string,
  data?: T,
): { success: true; message: string } & T {
  return { success: true, message, ...(data as T) };
}

export const ErrorBody = Type.Object(
  {
    success: Type.Literal(false),
    message: Type.String(),
    code: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    ),
  },
  { description: "The error envelope." },
);

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: "uuid" }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    username: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal("pending"), Type.Literal("active"), Type.Literal("blocked")]),
    role: Type.Union([Type.Literal("user"), Type.Literal("admin")]),
    emailVerified: Type.Boolean(),
    createdAt: Type.String({ format: "date-time" }),
  },
  { description: "A user. Never carries a password hash or a token." },
);

export const SuccessFields = {
  success: Type.Literal(true),
  message: Type.String(),
};

/** How the session was proven (README, "Assurance levels and claims"). */
export const AssuranceFields = {
  aal: Type.Union([Type.Literal("aal1"), Type.Literal("aal2")], {
    description: "aal1: one factor; aal2: two distinct factors (NIST SP 800-63B-4).",
  }),
  amr: Type.Array(
    Type.Union([
      Type.Literal("pwd"),
      Type.Literal("otp"),
      Type.Literal("recovery_code"),
      Type.Literal("passkey"),
      Type.Literal("oauth"),
      Type.Literal("email"),
    ]),
    { description: "How the session was proven." },
  ),
};

export const TokenBundleFields = {
  accessToken: Type.String(),
  refreshToken: Type.String(),
  token: Type.String({ description: "Same as accessToken, for older clients." }),
  tokenType: Type.Literal("Bearer"),
  expiresIn: Type.Integer({ description: "Seconds until the access token expires." }),
  user: UserSchema,
  ...AssuranceFields,
};

/** OpenAPI security of routes for a signed-in user: Bearer header or accessToken cookie. */
export const SIGNED_IN: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
