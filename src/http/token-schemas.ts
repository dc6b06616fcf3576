import { Type } from "typebox";
import {
  AssuranceFields,
  ErrorBody,
  SuccessFields,
  TokenBundleFields,
  UserSchema,
} from "./envelope.js";

export const TokenReply = Type.Object({ ...SuccessFields, ...TokenBundleFields });

/** A user with a second factor gets this instead of tokens, and finishes at /auth/mfa/verify. */
export const ChallengeReply = Type.Object({
  ...SuccessFields,
  mfaRequired: Type.Literal(true),
  mfaToken: Type.String({ description: "Single use; finishes this sign-in at /auth/mfa/verify." }),
  methods: Type.Array(Type.String(), { description: "totp, passkey, recovery_code." }),
  expiresIn: Type.Integer({ description: "Seconds until mfaToken expires." }),
});

/** What a sign-in step answers: the tokens, or the second-factor challenge. */
export const SignInReply = Type.Union([TokenReply, ChallengeReply]);

export const MeReply = Type.Object({ ...SuccessFields, user: UserSchema, ...AssuranceFields });

export { ErrorBody };
