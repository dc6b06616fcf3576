import type { DomainConfig } from "../config/config.js";
import type { AccessTokens } from "../crypto/access-tokens.js";
import type { LimitedHasher } from "../crypto/hash-queue.js";
import type { PasswordPolicy } from "../crypto/password-policy.js";
import type { SecretBox } from "../crypto/secret-box.js";
import type { RateLimits } from "../limits/rate-limits.js";
import type { Mailer } from "../mail/mailer.js";
import type { Stores, UserRecord } from "../storage/ports.js";
import type { AuditLog } from "./audit.js";
import type { Proof } from "./sign-in/assurance.js";
import type { SignInChallenge } from "./sign-in/challenge.js";

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
