import type { Config } from "../config/config.js";
import type { AccessTokens } from "../crypto/access-tokens.js";
import type { LimitedHasher } from "../crypto/hash-queue.js";
import type { PasswordPolicy } from "../crypto/password-policy.js";
import type { RateLimits } from "../limits/rate-limits.js";
import type { Mailer } from "../mail/mailer.js";
import type { Stores } from "../storage/ports.js";
import type { AuditLog } from "./audit.js";

/** Everything a domain function may touch. No request, no SQL, no environment. */
export interface Deps {
  readonly config: Config;
  readonly stores: Stores;
  readonly hasher: LimitedHasher;
  /** Common, breached and context-specific passwords are refused here. */
  readonly passwords: PasswordPolicy;
  readonly tokens: AccessTokens;
  readonly mailer: Mailer;
  readonly clock: () => Date;
  /** Runs a task after the reply, tracked so shutdown can wait for it. */
  readonly defer: (name: string, task: () => Promise<void>) => void;
  readonly audit: AuditLog;
  readonly limits: RateLimits;
}

/** Where a request came from, recorded on sessions and in the audit trail. */
export interface ClientContext {
  ip: string | null;
  userAgent: string | null;
}

/** The key rate limits count a client under. */
export function clientIp(client: ClientContext): string {
  return client.ip ?? "unknown";
}
