import type { UserRecord } from "../../storage/ports.js";
import type { Deps } from "../deps.js";
import type { Proof } from "./assurance.js";
import { issueSession, type SessionRequest, type TokenBundle } from "./issue-session.js";

/** What a user with a second factor gets instead of a session after the first one. */
export interface SignInChallenge {
  /** Names this half-finished sign-in to the second step; short-lived and single use. */
  mfaToken: string;
  /** The ways the user can finish: "totp", "passkey", "recovery_code". */
  methods: string[];
  /** Seconds until mfaToken expires. */
  expiresIn: number;
}

/** Every sign-in step ends in one of these: a session, or a demand for more proof. */
export type SignInResult =
  | { session: TokenBundle; challenge?: undefined }
  | { challenge: SignInChallenge; session?: undefined };

/**
 * Decides whether what was proven so far is enough for this user. A module that adds a
 * second factor registers one; a gate answers a challenge when the user must prove more.
 */
export type SignInGate = (
  deps: Deps,
  user: UserRecord,
  proofs: readonly Proof[],
) => Promise<SignInChallenge | null>;

/**
 * Ends a sign-in step (a password, a reset, another provider): each registered gate may ask
 * for more proof, else the session is issued. Login, reset and providers call only this,
 * so a second factor plugs in without touching them.
 */
export async function completeSignIn(deps: Deps, request: SessionRequest): Promise<SignInResult> {
  for (const gate of deps.signInGates) {
    const challenge = await gate(deps, request.user, request.proofs);
    if (challenge) return { challenge };
  }
  return { session: await issueSession(deps, request) };
}
