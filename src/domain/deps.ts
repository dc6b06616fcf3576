import type { Config } from "../config/config.js";
import type { AccessTokens } from "../crypto/access-tokens.js";
import type { PasswordHasher } from "../crypto/password.js";
import type { Mailer } from "../mail/mailer.js";
import type { Stores } from "../storage/ports.js";

/** Everything a domain function may touch. No request, no SQL, no environment. */
export interface Deps {
  readonly config: Config;
  readonly stores: Stores;
  readonly hasher: PasswordHasher;
  readonly tokens: AccessTokens;
  readonly mailer: Mailer;
  readonly clock: () => Date;
  /** Runs a task after the reply, tracked so shutdown can wait for it. */
  readonly defer: (name: string, task: () => Promise<void>) => void;
}

/** Where a request came from, recorded on sessions (and later the audit trail). */
export interface ClientContext {
  ip: string | null;
  userAgent: string | null;
}
