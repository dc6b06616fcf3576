import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { Config, RateLimitName, RateLimitRule } from "../config/config.js";
import { RATE_LIMIT_NAMES } from "../config/config.js";
import { sha256 } from "../crypto/digest.js";
import { AuthError } from "../errors.js";
import type { LimiterFactory } from "./limiter-backend.js";

export type LimitedAction = "register" | "verify" | "resend" | "forgot" | "reset" | "login";

export interface RateLimits {
  /** Counts one request of `action` for the client IP and (when given) the account key; throws AuthError RATE_LIMITED with retryAfter when either is over its limit. */
  hit(action: LimitedAction, keys: { ip: string; account?: string }): Promise<void>;
  /** Before checking a password: throws RATE_LIMITED while the (email, ip) or the email is in a growing-delay lockout. */
  assertLoginAllowed(email: string, ip: string): Promise<void>;
  /** After a wrong password: counts the failure; returns true when this failure started or extended a lockout (for the audit trail). */
  recordLoginFailure(email: string, ip: string): Promise<boolean>;
  /** After a right password: consecutive-failure counters for this email and (email, ip) restart. */
  recordLoginSuccess(email: string, ip: string): Promise<void>;
  /** Closes the limiter factory given to createRateLimits. */
  close(): Promise<void>;
}

/** Every method a no-op: RATE_LIMIT_ENABLED=false. */
export const NO_LIMITS: RateLimits = Object.freeze({
  hit: async () => {},
  assertLoginAllowed: async () => {},
  recordLoginFailure: async () => false,
  recordLoginSuccess: async () => {},
  close: async () => {},
});

/**
 * Which counters a request of each action consumes. Login has no per-account request counter:
 * counting right passwords against the account would let anyone lock its owner out, so the
 * account side of login is the failure policy below.
 */
const HIT_LIMITS: Readonly<Record<LimitedAction, { ip: RateLimitName; account?: RateLimitName }>> =
  {
    register: { ip: "registerIp", account: "registerAccount" },
    verify: { ip: "verifyIp", account: "verifyAccount" },
    resend: { ip: "resendIp", account: "resendAccount" },
    forgot: { ip: "forgotIp", account: "forgotAccount" },
    reset: { ip: "resetIp", account: "resetAccount" },
    login: { ip: "loginIp" },
  };

/*
 * Login failure policy. OWASP Credential Stuffing Prevention Cheat Sheet: throttle failed logins
 * per account and per source with growing delays rather than hard lockouts, so an attacker
 * cannot turn the defence into a denial of service against the real user. NIST SP 800-63B
 * §5.2.2: limit consecutive failed attempts on one account to no more than 100.
 *
 * Per (email, IP): after `loginFailuresAccountIp.points` free failures each further failure
 * locks that pair for 2^k seconds (k = failures beyond the free ones), at most an hour: the
 * attacker's own source pays, the user elsewhere does not.
 * Per email, across IPs: the same doubling after `loginFailuresAccount.points`, capped at 15
 * minutes so a distributed attacker can only ever delay the real user briefly; and at 100
 * consecutive failures the email is locked for the rest of the counting window.
 */
const PAIR_MAX_DELAY_SECONDS = 60 * 60;
const ACCOUNT_MAX_DELAY_SECONDS = 15 * 60;
const MAX_CONSECUTIVE_FAILURES = 100;

/** Names of the limiters that hold lockouts (written with block(), read with get()). */
const PAIR_LOCKOUT = "loginLockoutAccountIp";
const ACCOUNT_LOCKOUT = "loginLockoutAccount";

export function createRateLimits(
  config: Pick<Config, "rateLimitEnabled" | "rateLimits">,
  factory: LimiterFactory,
): RateLimits {
  if (!config.rateLimitEnabled) return { ...NO_LIMITS, close: () => factory.close() };

  const rules = config.rateLimits;
  const limiters = Object.fromEntries(
    RATE_LIMIT_NAMES.map((name) => [name, factory.make(name, rules[name])]),
  ) as Record<RateLimitName, RateLimiterAbstract>;
  const pairFailures = limiters.loginFailuresAccountIp;
  const accountFailures = limiters.loginFailuresAccount;
  // A lockout record exists only while blocked; its rule matters only to the library's bookkeeping.
  const pairLockout = factory.make(PAIR_LOCKOUT, lockoutRule(rules.loginFailuresAccountIp));
  const accountLockout = factory.make(ACCOUNT_LOCKOUT, lockoutRule(rules.loginFailuresAccount));

  return {
    async hit(action, keys) {
      const names = HIT_LIMITS[action];
      // IP first, then the account, and the account is counted even when the IP is already over:
      // an attacker rotating through a blocked IP must still use up the account's budget, and
      // the reply must name the longer of the two waits.
      const ipWait = await consume(limiters[names.ip], keys.ip);
      const accountWait =
        names.account !== undefined && keys.account !== undefined
          ? await consume(limiters[names.account], accountKey(keys.account))
          : 0;
      const wait = Math.max(ipWait, accountWait);
      if (wait > 0) throw rateLimited(wait);
    },

    async assertLoginAllowed(email, ip) {
      const [pair, account] = await Promise.all([
        pairLockout.get(pairKey(email, ip)),
        accountLockout.get(accountKey(email)),
      ]);
      const wait = Math.max(remainingSeconds(pair), remainingSeconds(account));
      if (wait > 0) throw rateLimited(wait);
    },

    async recordLoginFailure(email, ip) {
      const pk = pairKey(email, ip);
      const ak = accountKey(email);
      // penalty() counts without rejecting: a failure is always recorded, however many came before.
      const [pair, account] = await Promise.all([
        pairFailures.penalty(pk),
        accountFailures.penalty(ak),
      ]);

      const pairDelay = growingDelay(
        pair.consumedPoints,
        rules.loginFailuresAccountIp.points,
        PAIR_MAX_DELAY_SECONDS,
      );
      let accountDelay = growingDelay(
        account.consumedPoints,
        rules.loginFailuresAccount.points,
        ACCOUNT_MAX_DELAY_SECONDS,
      );
      if (account.consumedPoints >= MAX_CONSECUTIVE_FAILURES) {
        const rest = remainingSeconds(account) || rules.loginFailuresAccount.duration;
        accountDelay = Math.max(accountDelay, rest);
      }

      await Promise.all([
        pairDelay > 0 ? pairLockout.block(pk, pairDelay) : undefined,
        accountDelay > 0 ? accountLockout.block(ak, accountDelay) : undefined,
      ]);
      return pairDelay > 0 || accountDelay > 0;
    },

    async recordLoginSuccess(email, ip) {
      const pk = pairKey(email, ip);
      const ak = accountKey(email);
      await Promise.all([
        pairFailures.delete(pk),
        pairLockout.delete(pk),
        accountFailures.delete(ak),
        accountLockout.delete(ak),
      ]);
    },

    close: () => factory.close(),
  };
}

/**
 * Account keys (emails, user ids, reset tokens) are hashed before they become limiter keys, so
 * Redis and the rate_limits table never hold them in clear. Callers pass them normalised.
 */
function accountKey(account: string): string {
  return sha256(account);
}

/** The hash is fixed-length hex, so "<hash>:<ip>" cannot be ambiguous even for IPv6. */
function pairKey(email: string, ip: string): string {
  return `${accountKey(email)}:${ip}`;
}

function lockoutRule(failures: RateLimitRule): RateLimitRule {
  return { points: 1, duration: failures.duration };
}

/** 0 when allowed; otherwise the seconds until the counter's window resets. */
async function consume(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (rejection) {
    // A RateLimiterRes means "over the limit"; anything else is a store failure that even the
    // insurance limiter could not absorb, and must surface as a 500, not as a 429.
    if (rejection instanceof RateLimiterRes) return Math.max(1, remainingSeconds(rejection));
    throw rejection;
  }
}

/** Whole seconds left on a record, rounded up so a client never retries a moment too early. */
function remainingSeconds(res: RateLimiterRes | null): number {
  if (res === null || res.msBeforeNext <= 0) return 0;
  return Math.ceil(res.msBeforeNext / 1000);
}

/**
 * 0 while failures stay below `free`; from the free-th failure on, the next try waits
 * 2^k seconds (k = 1 at the free-th failure, doubling after each one), at most `cap`.
 */
function growingDelay(failures: number, free: number, cap: number): number {
  const beyond = failures - free + 1;
  if (beyond <= 0) return 0;
  // Clamped exponent: 2^31 s is already far past any cap, and keeps the number finite.
  return Math.min(2 ** Math.min(beyond, 31), cap);
}

function rateLimited(seconds: number): AuthError {
  return new AuthError("RATE_LIMITED", undefined, undefined, seconds);
}
