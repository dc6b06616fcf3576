import type { FailureState } from "./store.js";

/**
 * Wrong second-factor codes, per user and method (TOTP and recovery codes apart). Like
 * password login's policy (limits/rate-limits.ts; OWASP Credential Stuffing Prevention
 * Cheat Sheet): a few free failures, then a delay that doubles with each one, capped so an
 * attacker can only slow the real user down briefly; and NIST SP 800-63B-4 §3.2.2's cap of
 * 100 consecutive failures, after which the method stays locked until an admin resets MFA.
 */
export const FREE_FAILURES = 5;
export const MAX_DELAY_SECONDS = 15 * 60;
export const LOCK_AFTER_FAILURES = 100;

/** Seconds still to wait before another try, 0 when one may try now. */
export function secondsToWait(state: FailureState, now: Date): number {
  const beyond = state.consecutive - FREE_FAILURES;
  if (beyond < 0 || state.lastFailedAt === null) return 0;
  const delay = Math.min(2 ** beyond, MAX_DELAY_SECONDS);
  const until = state.lastFailedAt.getTime() + delay * 1000;
  return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
}
