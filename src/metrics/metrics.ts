import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { SECOND_FACTOR_METHODS, type SecondFactorMethod } from "../domain/vocabulary.js";
import type { LimitedAction } from "../limits/rate-limits.js";

export type LoginOutcome = "success" | "failure" | "lockout";
export type HashOp = "hash" | "verify";
export type MailResult = "sent" | "failed";
export type MfaOutcome = "success" | "failure";
export const PASSKEY_CEREMONIES = ["register", "login", "mfa"] as const;
export type PasskeyCeremony = (typeof PASSKEY_CEREMONIES)[number];
/**
 * How a provider's callback ended: a returning user signed in, a new account, an identity
 * linked, or the refusal the browser was sent back with (other: a code outside this list).
 */
export const OAUTH_SUCCESSES = ["success", "new_user", "linked"] as const;
export const OAUTH_REFUSALS = [
  "invalid_state",
  "provider_error",
  "account_exists",
  "identity_taken",
  "account_blocked",
] as const;
export const OAUTH_OUTCOMES = [...OAUTH_SUCCESSES, ...OAUTH_REFUSALS, "other"] as const;
export type OAuthOutcome = (typeof OAUTH_OUTCOMES)[number];

export interface MetricsOptions {
  /** The configured provider ids: the only values the provider label takes, besides `unknown`. */
  oauthProviders?: readonly string[];
}

/**
 * Latchkey's Prometheus metrics. Recording goes through the typed methods, so label values stay
 * a closed set (unbounded labels would grow the registry without limit).
 */
export interface Metrics {
  /** Owned by this instance, never prom-client's global one: several apps (and tests) share a process. */
  readonly registry: Registry;
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /** `route` is the route pattern (`/reset/:token`) or `unmatched`, never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countLogin(outcome: LoginOutcome): void;
  observeHash(op: HashOp, seconds: number): void;
  countMail(result: MailResult): void;
  /** An outbox message given up on after MAIL_MAX_ATTEMPTS. */
  countMailDead(): void;
  /** One webhook delivery attempt's end: delivered, to be retried, or failed for good. */
  countWebhookDelivery(outcome: "delivered" | "retry" | "failed"): void;
  countRateLimited(action: LimitedAction): void;
  countRefreshReuse(): void;
  /** An answer to POST /auth/mfa/verify that was checked: right or wrong, by factor. */
  countMfaVerification(method: SecondFactorMethod, outcome: MfaOutcome): void;
  /** A WebAuthn response refused, by ceremony: forged, replayed, cloned or simply wrong. */
  countPasskeyRefusal(ceremony: PasskeyCeremony): void;
  /** A provider's callback, by provider (a configured id, else `unknown`) and outcome. */
  countOAuthSignIn(provider: string, outcome: OAuthOutcome): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

/** 1 ms .. 5 s: an auth API answers in milliseconds, except logins, which pay for argon2id. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * 1 ms .. 1 s: argon2id at OWASP's m=19 MiB, t=2 takes tens of milliseconds on a server core;
 * imported bcrypt (cost 10-12) up to a few hundred. A shift to the right means CPU starvation.
 */
const HASH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Node's default sampling interval; each sample is the interval plus the lag, see below. */
const LAG_RESOLUTION_MS = 10;

const LOGIN_OUTCOMES: readonly LoginOutcome[] = ["success", "failure", "lockout"];
const HASH_OPS: readonly HashOp[] = ["hash", "verify"];
const MAIL_RESULTS: readonly MailResult[] = ["sent", "failed"];
const MFA_OUTCOMES: readonly MfaOutcome[] = ["success", "failure"];
const LIMITED_ACTIONS: readonly LimitedAction[] = [
  "register",
  "verify",
  "resend",
  "forgot",
  "reset",
  "login",
];

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // process_resident_memory_bytes, CPU, heap, GC, handles, nodejs_eventloop_lag_* ...
  collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from receiving a request to sending the reply, by method, route pattern and status.",
    labelNames: ["method", "route", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  const logins = new Counter({
    name: "latchkey_logins_total",
    help: "Sign-ins by outcome: success counts every method (password, code, passkey, provider); failure and lockout are the password's. A failure that starts or extends a lockout counts as failure and as lockout.",
    labelNames: ["outcome"] as const,
    registers,
  });
  const hashDuration = new Histogram({
    name: "latchkey_password_hash_duration_seconds",
    help: "Password hashing time; verify includes the dummy verify spent on unknown accounts.",
    labelNames: ["op"] as const,
    buckets: HASH_BUCKETS,
    registers,
  });
  const mail = new Counter({
    name: "latchkey_mail_total",
    help: "Mails handed to the transport, by result.",
    labelNames: ["result"] as const,
    registers,
  });
  const mailDead = new Counter({
    name: "latchkey_mail_dead_total",
    help: "Outbox messages marked dead after MAIL_MAX_ATTEMPTS failed deliveries.",
    registers,
  });
  const webhookDeliveries = new Counter({
    name: "latchkey_webhook_deliveries_total",
    help: "Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (given up).",
    labelNames: ["outcome"] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: "latchkey_rate_limited_total",
    help: "Requests refused with RATE_LIMITED, by action (login includes refusals during a lockout).",
    labelNames: ["action"] as const,
    registers,
  });
  const refreshReuse = new Counter({
    name: "latchkey_refresh_reuse_total",
    help: "Replayed refresh tokens detected; each one revoked its session family.",
    registers,
  });

  const mfaVerifications = new Counter({
    name: "latchkey_mfa_verifications_total",
    help: "Second-factor answers checked at POST /auth/mfa/verify, by method (totp, passkey, recovery_code) and outcome.",
    labelNames: ["method", "outcome"] as const,
    registers,
  });

  const passkeyRefusals = new Counter({
    name: "latchkey_passkey_refusals_total",
    help: "WebAuthn responses refused (bad challenge, unknown credential, bad signature, counter gone backwards), by ceremony.",
    labelNames: ["ceremony"] as const,
    registers,
  });

  const oauthSignIns = new Counter({
    name: "latchkey_oauth_sign_ins_total",
    help: "Callbacks from other providers, by provider id and outcome (success, new_user, linked, or the refusal's code).",
    labelNames: ["provider", "outcome"] as const,
    registers,
  });
  // A label value from the request (the :provider of the URL) would let anyone add series.
  const oauthProviders = new Set(options.oauthProviders ?? []);

  // Every series exists from the first scrape, so rate() and alerts see 0 rather than nothing.
  for (const outcome of LOGIN_OUTCOMES) logins.inc({ outcome }, 0);
  for (const op of HASH_OPS) hashDuration.zero({ op });
  for (const result of MAIL_RESULTS) mail.inc({ result }, 0);
  for (const action of LIMITED_ACTIONS) rateLimited.inc({ action }, 0);
  for (const ceremony of PASSKEY_CEREMONIES) passkeyRefusals.inc({ ceremony }, 0);
  for (const method of SECOND_FACTOR_METHODS) {
    for (const outcome of MFA_OUTCOMES) mfaVerifications.inc({ method, outcome }, 0);
  }

  for (const provider of oauthProviders) {
    for (const outcome of OAUTH_OUTCOMES) oauthSignIns.inc({ provider, outcome }, 0);
  }

  const loopDelay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  loopDelay.enable();
  new Gauge({
    name: "latchkey_event_loop_lag_seconds",
    help: "99th percentile of event-loop delay since the previous scrape.",
    registers,
    collect() {
      // A sample is the time between two timer ticks, so an idle loop reads the resolution
      // itself; only what exceeds it is lag.
      const p99 = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 - LAG_RESOLUTION_MS : 0;
      this.set(Math.max(0, p99) / 1000);
      loopDelay.reset();
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, seconds);
    },
    countLogin: (outcome) => logins.inc({ outcome }),
    observeHash: (op, seconds) => hashDuration.observe({ op }, seconds),
    countMail: (result) => mail.inc({ result }),
    countMailDead: () => mailDead.inc(),
    countWebhookDelivery: (outcome) => webhookDeliveries.inc({ outcome }),
    countRateLimited: (action) => rateLimited.inc({ action }),
    countRefreshReuse: () => refreshReuse.inc(),
    countMfaVerification: (method, outcome) => mfaVerifications.inc({ method, outcome }),
    countPasskeyRefusal: (ceremony) => passkeyRefusals.inc({ ceremony }),
    countOAuthSignIn: (provider, outcome) =>
      oauthSignIns.inc({ provider: oauthProviders.has(provider) ? provider : "unknown", outcome }),
    render: () => registry.metrics(),
  };
}
