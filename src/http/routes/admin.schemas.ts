import { Type } from "typebox";
import {
  ErrorBody,
  RoleSchema as Role,
  StatusSchema as Status,
  SuccessFields,
  UserSchema,
} from "../envelope.js";

// Query strings arrive as text and the app does not coerce types, so the page size is a
// digit string whose pattern is the range itself: 1 to 100 (domain MAX_PAGE_SIZE).
const Limit = Type.String({
  pattern: "^(?:[1-9][0-9]?|100)$",
  description: "Page size, 1 to 100 (default 50).",
  examples: ["20"],
});
const Cursor = Type.String({
  maxLength: 512,
  description: "nextCursor of the previous page; opaque.",
});

export const UserListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    q: Type.Optional(
      Type.String({
        maxLength: 256,
        description: "Case-insensitive substring of email, name or username; % and _ are literal.",
      }),
    ),
    status: Type.Optional(Status),
    role: Type.Optional(Role),
  },
  { additionalProperties: false },
);

export const UserParams = Type.Object({
  id: Type.String({ description: "The user's id; anything but a known UUID is 404." }),
});

export const UserListReply = Type.Object({
  ...SuccessFields,
  users: Type.Array(UserSchema, { description: "Newest first." }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Pass as cursor for the next page; null on the last page.",
  }),
});

export const UserReply = Type.Object({ ...SuccessFields, user: UserSchema });

export const UpdateUserBody = Type.Object(
  {
    status: Type.Optional(
      // pending means "email not verified yet": something a user reaches by signing up,
      // not something an admin sets.
      Type.Union([Type.Literal("active"), Type.Literal("blocked")], {
        description: "blocked ends every session at once; active unblocks.",
      }),
    ),
    role: Type.Optional({
      ...Role,
      description: "Demoting an admin ends their sessions at once.",
    }),
    name: Type.Optional(
      Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], {
        description: "Display name; null clears it.",
      }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: "At least one field. The last active admin can be neither blocked nor demoted.",
  },
);

export const MessageReply = Type.Object(SuccessFields);

export const RevokeSessionsReply = Type.Object({
  ...SuccessFields,
  revoked: Type.Integer({ description: "How many live refresh tokens were revoked." }),
});

export const SendResetReply = Type.Object({
  ...SuccessFields,
  sent: Type.Boolean({ description: "False when the user is blocked: no link is mailed." }),
});

export const AuditListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    userId: Type.Optional(Type.String({ maxLength: 64, description: "Events about this user." })),
    type: Type.Optional(
      Type.String({ maxLength: 100, description: "Exact type, e.g. admin.user.updated." }),
    ),
  },
  { additionalProperties: false },
);

export const AuditEventSchema = Type.Object({
  id: Type.String({ format: "uuid" }),
  occurredAt: Type.String({ format: "date-time" }),
  type: Type.String({ examples: ["login.success", "admin.user.updated"] }),
  outcome: Type.Union([Type.Literal("success"), Type.Literal("failure")]),
  userId: Type.Union([Type.String(), Type.Null()], { description: "The user it is about." }),
  actorId: Type.Union([Type.String(), Type.Null()], {
    description: "The admin who acted; null for the user themself or the operator's CLI.",
  }),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(
    Type.String(),
    Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    { description: "Facts about the event; never a secret." },
  ),
});

export const AuditListReply = Type.Object({
  ...SuccessFields,
  events: Type.Array(AuditEventSchema, { description: "Newest first." }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export { ErrorBody };
