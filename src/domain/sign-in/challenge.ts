import type { SecondFactorMethod } from "../vocabulary.js";

/** What a user with a second factor gets instead of a session after the first one. */
export interface SignInChallenge {
  /** Names this half-finished sign-in to the second step; short-lived and single use. */
  mfaToken: string;
  /** The ways this user can finish, of "totp", "passkey", "recovery_code". */
  methods: SecondFactorMethod[];
  /** Seconds until mfaToken expires. */
  expiresIn: number;
}
