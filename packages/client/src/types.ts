import type { Operations } from "./generated/openapi.js";

/** Everything below is derived from the generated Operations: nothing hand-copied to drift. */
export type Route = keyof Operations;
export type BodyOf<R extends Route> = Operations[R]["body"];
export type OkOf<R extends Route> = Operations[R]["ok"];

type SignInAnswer = OkOf<"POST /auth/login">;
/** The token bundle: a session was issued. */
export type TokenBundle = Extract<SignInAnswer, { accessToken: string }>;
/** A first factor was proven and the account asks for a second one. */
export type MfaChallenge = Extract<SignInAnswer, { mfaRequired: true }>;
export type SignInResult = TokenBundle | MfaChallenge;
export type User = TokenBundle["user"];
export type Me = OkOf<"GET /auth/me">;
export type SessionInfo = OkOf<"GET /auth/sessions">["sessions"][number];
export type SignUpInput = BodyOf<"POST /auth/register">;
export type SignUpResult = OkOf<"POST /auth/register">;
export type VerifyEmailInput = BodyOf<"POST /auth/verify-email">;
export type ForgotPasswordInput = BodyOf<"POST /auth/forgot-password">;
export type ResetPasswordInput = BodyOf<"POST /auth/reset-password">;
export type VerifyMfaInput = BodyOf<"POST /auth/mfa/verify">;
export type PasskeyRequestOptionsJSON = OkOf<"POST /auth/passkeys/login/options">;
export type PasskeyCreationOptionsJSON = OkOf<"POST /auth/passkeys/register/options">;
export type RegistrationResponseJSON = BodyOf<"POST /auth/passkeys/register">["response"];
export type AuthenticationResponseJSON = BodyOf<"POST /auth/passkeys/login">["response"];
export type Passkey = OkOf<"POST /auth/passkeys/register">["passkey"];

export function isMfaChallenge(answer: SignInResult): answer is MfaChallenge {
  return "mfaRequired" in answer && answer.mfaRequired === true;
}
