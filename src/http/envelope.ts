import { Type } from "typebox";
import { AALS, AUTH_METHODS, USER_ROLES, USER_STATUSES } from "../domain/vocabulary.js";

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

export const StatusSchema = Type.Enum(USER_STATUSES);
export const RoleSchema = Type.Enum(USER_ROLES);

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: "uuid" }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    username: Type.Union([Type.String(), Type.Null()]),
    status: StatusSchema,
    role: RoleSchema,
    emailVerified: Type.Boolean(),
    mfaEnabled: Type.Boolean({ description: "A second factor is confirmed: sign-ins ask for it." }),
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
  aal: Type.Enum(AALS, {
    description: "aal1: one factor; aal2: two distinct factors (NIST SP 800-63B-4).",
  }),
  amr: Type.Array(Type.Enum(AUTH_METHODS), { description: "How the session was proven." }),
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
