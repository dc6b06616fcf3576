import type { DomainConfig } from "../config/config.js";
import type { AccessTokens } from "../crypto/access-tokens.js";
import type { LimitedHasher } from "../crypto/hash-queue.js";
import type { PasswordPolicy } from "../crypto/password-policy.js";
import type { SecretBox } from "../crypto/secret-box.js";
import type { RateLimits } from "../limits/rate-limits.js";
import type { Mailer } from "../mail/mailer.js";
import type { Stores, UserRecord } from "../storage/ports.js";
import type { AuditLog } from "./audit.js";
import type { ClientContext } from "./client.js";
import type { Proof } from "./sign-in/assurance.js";
import type { SignInChallenge } from "./sign-in/challenge.js";
import type { AuthMethod, SecondFactorMethod } from "./vocabulary.js";

/** Everything a domain function may touch. No request, no SQL, no environment. */
export interface Deps {
  readonly config: DomainConfig;
  readonly stores: Stores;
  readonly hasher: LimitedHasher;
  /** Common, breached and context-specific passwords are refused here. */
  readonly passwords: PasswordPolicy;
  readonly tokens: AccessTokens;
  /** Seals the secrets the server must read back (TOTP seeds) under ENCRYPTION_KEY. */
  readonly secrets: SecretBox;
  readonly mailer: Mailer;
  readonly clock: () => Date;
  /** Runs a task after the reply, tracked so shutdown can wait for it. */
  readonly defer: (name: string, task: () => Promise<void>) => void;
  readonly audit: AuditLog;
  readonly limits: RateLimits;
  /** Asked in turn before a sign-in step issues a session (sign-in-step.ts). */
  readonly signInGates: readonly SignInGate[];
  /** The ways to finish a sign-in that asked for a second factor, of every method. */
  readonly secondFactors: readonly SecondFactor[];
  /**
   * Why the server must not call this webhook URL (a loopback, private or link-local
   * address after DNS: webhooks/address-guard.ts), or null when it may.
   */
  readonly webhookUrlRefusal: (url: string) => Promise<string | null>;
}

/**
 * Decides whether what was proven so far is enough for this user. A module that adds a
 * second factor registers one; a gate answers a challenge when the user must prove more.
 */
export type SignInGate = (
  deps: Deps,
  user: UserRecord,
  proofs: readonly Proof[],
) => Promise<SignInChallenge | null>;

/** What a client sends to POST /auth/mfa/verify besides the mfaToken and the method. */
export interface SecondFactorAnswer {
  /** A code: from an authenticator app, or a recovery code. */
  code?: string | undefined;
  /** A passkey's AuthenticationResponseJSON. */
  response?: unknown;
}

/**
 * One way to finish a sign-in that asked for a second factor. A sign-in method brings its
 * own (SignInMethod.secondFactors); the challenge offers those the user has, and POST
 * /auth/mfa/verify hands the answer to the one named by `method`.
 */
export interface SecondFactor {
  readonly method: SecondFactorMethod;
  /** What it adds to the session's `amr` once verified. */
  readonly proves: AuthMethod;
  /** The error a wrong answer gets (400 INVALID_CODE, 401 INVALID_PASSKEY). */
  readonly wrongAnswer: "INVALID_CODE" | "INVALID_PASSKEY";
  /**
   * A wrong answer may be a guess (a 6-digit or recovery code): failures then count per
   * user, with a growing delay and a lock after 100 (NIST SP 800-63B-4 §3.2.2). A signature
   * cannot be guessed; its failures count only against the mfaToken.
   */
  readonly guessable: boolean;
  /** Whether the user can answer this way now (a confirmed app, a passkey, codes left). */
  offered(deps: Deps, userId: string): Promise<boolean>;
  /** Removes every factor of this kind the user has (an admin's reset); none left after. */
  removeAll?(deps: Deps, userId: string): Promise<void>;
  /** What the client needs before it can answer (a passkey's request options). */
  options?(deps: Deps, userId: string): Promise<object>;
  /**
   * Whether the answer proves this factor for this user. A single-use answer is used up
   * here, once, whatever the concurrency.
   */
  verify(
    deps: Deps,
    userId: string,
    answer: SecondFactorAnswer,
    client: ClientContext,
  ): Promise<boolean>;
}
