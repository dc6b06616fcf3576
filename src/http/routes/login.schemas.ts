import { Type } from "typebox";
import {
  AssuranceFields,
  ErrorBody,
  SuccessFields,
  TokenBundleFields,
  UserSchema,
} from "../envelope.js";

export const LoginBody = Type.Object(
  {
    email: Type.String({ maxLength: 1024 }),
    password: Type.String({ maxLength: 4096 }),
  },
  { additionalProperties: false },
);

export const TokenReply = Type.Object({ ...SuccessFields, ...TokenBundleFields });

export const MeReply = Type.Object({ ...SuccessFields, user: UserSchema, ...AssuranceFields });

export { ErrorBody };
