import { performance } from "node:perf_hooks";
import type { PasswordHasher } from "../crypto/password.js";
import type { AuditInput, AuditLog, AuditType } from "../domain/audit.js";
import { isOneOf, SECOND_FACTOR_METHODS, type SecondFactorMethod } from "../domain/vocabulary.js";
import { AuthError } from "../errors.js";
import type { LimitedAction, RateLimits } from "../limits/rate-limits.js";
import type { MailTransport } from "../mail/transport.js";
import {
  type HashOp,
  type LoginOutcome,
  type Metrics,
  type MfaOutcome,
  OAUTH_REFUSALS,
  OAUTH_SUCCESSES,
  type OAuthOutcome,
  PASSKEY_CEREMONIES,
} from "./metrics.js";

/*
 * Decorators that keep their input's interface: the domain and the mail queue never learn that
 * metrics exist, and turning metrics off is not wrapping.
 */

/** Times every hash and verify; verifyDummy counts as verify, since that is what it imitates. */
export function instrumentHasher(hasher: PasswordHasher, metrics: Metrics): PasswordHasher {
  return {
    hash: (password) => timed(metrics, "hash", () => hasher.hash(password)),
    verify: (hash, password) => timed(metrics, "verify", () => hasher.verify(hash, password)),
    verifyDummy: (password) => timed(metrics, "verify", () => hasher.verifyDummy(password)),
  };
}

/** Counts each send as sent or failed; a failure is rethrown for the mail queue to log. */
export function instrumentTransport(transport: MailTransport, metrics: Metrics): MailTransport {
  return {
    async send(message) {
      try {
        await transport.send(message);
      } catch (error) {
        metrics.countMail("failed");
        throw error;
      }
      metrics.countMail("sent");
    },
    close: () => transport.close(),
  };
}

const LOGIN_EVENTS: Readonly<Partial<Record<AuditType, LoginOutcome>>> = {
  "login.success": "success",
  "login.failure": "failure",
  "login.lockout": "lockout",
};

/**
 * Reads the audit trail as it is written: logins by outcome, refresh-token reuse,
 * second-factor answers by method and outcome, and providers' callbacks by outcome.
 */
export function instrumentAudit(audit: AuditLog, metrics: Metrics): AuditLog {
  return (event) => {
    const outcome = LOGIN_EVENTS[event.type];
    if (outcome) metrics.countLogin(outcome);
    else if (event.type === "refresh.reuse") metrics.countRefreshReuse();
    const factor = secondFactorOf(event);
    if (factor) metrics.countMfaVerification(factor.method, factor.outcome);
    const refused = event.details?.ceremony;
    if (PASSKEY_REFUSALS.has(event.type) && isOneOf(PASSKEY_CEREMONIES, refused)) {
      metrics.countPasskeyRefusal(refused);
    }
    const callback = oauthCallbackOf(event);
    if (callback) metrics.countOAuthSignIn(callback.provider, callback.outcome);
    return audit(event);
  };
}

const PASSKEY_REFUSALS: ReadonlySet<AuditType> = new Set([
  "passkey.failure",
  "passkey.counter_regressed",
]);

/**
 * The second factor an event reports an answer of: a sign-in finished by one (login.success
 * with `secondFactor`), or a wrong answer (mfa.failure with `method`).
 */
function secondFactorOf(
  event: AuditInput,
): { method: SecondFactorMethod; outcome: MfaOutcome } | null {
  const details = event.details ?? {};
  if (event.type === "login.success" && isOneOf(SECOND_FACTOR_METHODS, details.secondFactor)) {
    return { method: details.secondFactor, outcome: "success" };
  }
  if (event.type === "mfa.failure" && isOneOf(SECOND_FACTOR_METHODS, details.method)) {
    return { method: details.method, outcome: "failure" };
  }
  return null;
}

/**
 * A provider's callback's end: oauth.sign_in (its `result`) or oauth.failure (its `code`,
 * lowercased when it is one of the known refusals). The metrics bound the provider label.
 */
function oauthCallbackOf(event: AuditInput): { provider: string; outcome: OAuthOutcome } | null {
  if (event.type !== "oauth.sign_in" && event.type !== "oauth.failure") return null;
  const details = event.details ?? {};
  const provider = typeof details.provider === "string" ? details.provider : "unknown";
  if (event.type === "oauth.sign_in") {
    const result = details.result;
    return { provider, outcome: isOneOf(OAUTH_SUCCESSES, result) ? result : "other" };
  }
  const code = typeof details.code === "string" ? details.code.toLowerCase() : "";
  return { provider, outcome: isOneOf(OAUTH_REFUSALS, code) ? code : "other" };
}

/** Counts RATE_LIMITED refusals by action; refusals during a login lockout count as "login". */
export function instrumentLimits(limits: RateLimits, metrics: Metrics): RateLimits {
  return {
    hit: (action, keys) => countRefusal(metrics, action, () => limits.hit(action, keys)),
    assertLoginAllowed: (email, ip) =>
      countRefusal(metrics, "login", () => limits.assertLoginAllowed(email, ip)),
    recordLoginFailure: (email, ip) => limits.recordLoginFailure(email, ip),
    recordLoginSuccess: (email, ip) => limits.recordLoginSuccess(email, ip),
    close: () => limits.close(),
  };
}

async function timed<T>(metrics: Metrics, op: HashOp, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    metrics.observeHash(op, (performance.now() - start) / 1000);
  }
}

async function countRefusal(
  metrics: Metrics,
  action: LimitedAction,
  check: () => Promise<void>,
): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof AuthError && error.code === "RATE_LIMITED") {
      metrics.countRateLimited(action);
    }
    throw error;
  }
}
