import type { Deps } from "../deps.js";
import type { SignInChallenge } from "./challenge.js";
import { issueSession, type SessionRequest, type TokenBundle } from "./issue-session.js";

/** Every sign-in step ends in one of these: a session, or a demand for more proof. */
export type SignInResult =
  | { session: TokenBundle; challenge?: undefined }
  | { challenge: SignInChallenge; session?: undefined };

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
