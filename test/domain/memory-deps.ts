import { randomBytes } from "node:crypto";
import { loadConfig } from "../../src/config/load-config.js";
import { createAccessTokens } from "../../src/crypto/access-tokens.js";
import type { LimitedHasher } from "../../src/crypto/hash-queue.js";
import { createPasswordPolicy } from "../../src/crypto/password-policy.js";
import { createSecretBox } from "../../src/crypto/secret-box.js";
import type { AuditInput } from "../../src/domain/audit.js";
import type { Deps, SignInGate } from "../../src/domain/deps.js";
import { NO_LIMITS } from "../../src/limits/rate-limits.js";
import { createMailer } from "../../src/mail/mailer.js";
import type {
  NewSession,
  SessionRecord,
  SessionStore,
  Stores,
  UserRecord,
  UserStore,
} from "../../src/storage/ports.js";

/**
 * Deps for the domain's rules, in memory: users and sessions are arrays, passwords are
 * "hashed" by a prefix, and every other port throws when touched, so a test that reaches
 * one says which. Tokens are real (HS256), so the claims a test reads are the ones signed.
 */
export interface MemoryDeps {
  deps: Deps;
  users: UserRecord[];
  sessions: NewSession[];
  audit: AuditInput[];
}

export const NOW = new Date("2026-12-06T12:00:00Z");
export const JWT_SECRET = "memory-deps-secret-of-at-least-32-characters";

export function memoryDeps(
  options: { env?: Record<string, string>; gates?: SignInGate[] } = {},
): MemoryDeps {
  const users: UserRecord[] = [];
  const sessions: NewSession[] = [];
  const audit: AuditInput[] = [];
  const config = loadConfig({
    NODE_ENV: "test",
    JWT_SECRET,
    PUBLIC_URL: "http://latchkey.test",
    ...options.env,
  });
  const userStore: Partial<UserStore> = {
    findByEmail: async (email) => users.find((user) => user.email === email) ?? null,
    findById: async (id) => users.find((user) => user.id === id) ?? null,
  };
  const sessionStore: Partial<SessionStore> = {
    async create(session): Promise<SessionRecord> {
      sessions.push(session);
      return {
        id: session.id,
        familyId: session.familyId,
        userId: session.userId,
        familyStartedAt: session.familyStartedAt,
        createdAt: session.now,
        expiresAt: session.expiresAt,
        lastUsedAt: session.now,
        revokedAt: null,
        replacedBy: null,
        userAgent: session.userAgent,
        ip: session.ip,
        assurance: session.assurance ?? { aal: "aal1", amr: ["pwd"] },
      };
    },
  };
  const stores = untouchable<Stores>("stores", {
    users: untouchable("users", userStore),
    sessions: untouchable("sessions", sessionStore),
  });
  const deps: Deps = {
    config,
    stores,
    hasher: plainHasher,
    passwords: createPasswordPolicy(),
    tokens: createAccessTokens({
      issuer: config.publicUrl,
      audience: config.accessTokenAudience,
      ttlSeconds: config.accessTokenTtl,
      jwtSecret: JWT_SECRET,
    }),
    secrets: createSecretBox(randomBytes(32)),
    mailer: createMailer({ productName: "Latchkey" }),
    clock: () => NOW,
    defer: () => {
      throw new Error("nothing is deferred in these rules");
    },
    audit: async (event) => {
      audit.push(event);
    },
    limits: NO_LIMITS,
    signInGates: options.gates ?? [],
    secondFactors: [],
    webhookUrlRefusal: async () => "no webhooks in these rules",
  };
  return { deps, users, sessions, audit };
}

/** A user as the store would answer it; active, verified and "hashed" by plainHasher. */
export function userWith(fields: Partial<UserRecord> & { password?: string }): UserRecord {
  const { password = "correct horse battery staple", ...rest } = fields;
  return {
    id: "0192f3c4-0000-7000-8000-000000000001",
    email: "ada@example.test",
    name: null,
    username: null,
    passwordHash: `plain:${password}`,
    status: "active",
    role: "user",
    emailVerifiedAt: NOW,
    createdAt: NOW,
    updatedAt: NOW,
    legacyId: null,
    locale: null,
    mfaEnabled: false,
    ...rest,
  };
}

/** Not a hash: the rules under test are about what happens after one, not the hash. */
const plainHasher: LimitedHasher = {
  hash: async (password) => `plain:${password}`,
  verify: async (hash, password) => ({ ok: hash === `plain:${password}`, needsRehash: false }),
  verifyDummy: async () => {},
  admit: () => {},
};

function untouchable<T extends object>(name: string, implemented: Partial<T>): T {
  return new Proxy(implemented, {
    get(target, property) {
      if (property in target) return target[property as keyof typeof target];
      if (property === "then") return undefined;
      throw new Error(
        `${name}.${String(property)} is not in memory: the rule under test reached it`,
      );
    },
  }) as T;
}
