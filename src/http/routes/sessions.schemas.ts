import { Type } from "typebox";
import { AssuranceFields, SuccessFields } from "../envelope.js";

export const RefreshBody = Type.Object(
  {
    refreshToken: Type.Optional(
      Type.String({ maxLength: 512, description: "Or the refreshToken cookie." }),
    ),
  },
  { additionalProperties: false },
);

export const SessionSchema = Type.Object({
  id: Type.String({ description: "The session (refresh-token family) id." }),
  createdAt: Type.String({ format: "date-time" }),
  lastUsedAt: Type.String({ format: "date-time" }),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean({ description: "The session of the access token making the request." }),
  ...AssuranceFields,
});

export const SessionsReply = Type.Object({ ...SuccessFields, sessions: Type.Array(SessionSchema) });

export const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const MessageReply = Type.Object(SuccessFields);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ maxLength: 4096 }),
    newPassword: Type.String({ maxLength: 4096 }),
  },
  { additionalProperties: false },
);
