import { Type } from "typebox";

export const LoginBody = Type.Object(
  {
    email: Type.String({ maxLength: 1024 }),
    password: Type.String({ maxLength: 4096 }),
  },
  { additionalProperties: false },
);
