import { type ClientContext, clientIp } from "../../domain/client.js";
import type { Deps } from "../../domain/deps.js";
import { normalizeEmail } from "../../domain/input-rules.js";
import { PASSWORD } from "../../domain/sign-in/assurance.js";
import { completeSignIn, type SignInResult } from "../../domain/sign-in/sign-in-step.js";
import { presentedPassword } from "../../domain/validate.js";
import { recordUserEvent } from "../../domain/webhook-events.js";
import { AuthError } from "../../errors.js";
import type { UserRecord } from "../../storage/ports.js";

export interface LoginInput {
  email: string;
  password: string;
}

export async function login(
  deps: Deps,
  input: LoginInput,
  client: ClientContext,
): Promise<SignInResult> {
  const password = presentedPassword(input.password);
  const email = normalizeEmail(input.email);
  const ip = clientIp(client);
  const account = email.ok ? email.value : input.email.trim().toLowerCase();
  await deps.limits.hit("login", { ip });
  await deps.limits.assertLoginAllowed(account, ip);
  // Shed load before any lookup when the hashing queue is full (503 + Retry-After).
  deps.hasher.admit();
  const user = email.ok ? await deps.stores.users.findByEmail(email.value) : null;
  const verified = await checkPassword(deps, user, password, input.password);
  // Status is told only after the password is proven (README, API reference): before that,
  // every failure is the same 401.
  if (!verified) {
    if (await deps.limits.recordLoginFailure(account, ip)) {
      // The lock lives in the limiter (memory or Redis), not the database: there is no
      // transaction to share, so the event follows it; like the audit's login.lockout, one
      // per failure that sets or lengthens the lock.
      if (user) await recordUserEvent(deps.stores, "login.locked", user, deps.clock());
      await deps.audit({
        type: "login.lockout",
        outcome: "failure",
        userId: user?.id ?? null,
        client,
      });
    }
    await deps.audit({
      type: "login.failure",
      outcome: "failure",
      userId: user?.id ?? null,
      client,
      details: { reason: user ? "wrong_password" : "unknown_email" },
    });
    throw new AuthError("INVALID_CREDENTIALS");
  }
  await deps.limits.recordLoginSuccess(account, ip);
  try {
    assertMaySignIn(deps, verified);
  } catch (error) {
    // Reasons are one vocabulary, lowercase snake like "wrong_password": not the API's codes.
    const reason = error instanceof AuthError ? error.code.toLowerCase() : "refused";
    await deps.audit({
      type: "login.failure",
      outcome: "failure",
      userId: verified.id,
      client,
      details: { reason },
    });
    throw error;
  }
  return completeSignIn(deps, {
    user: verified,
    proofs: [PASSWORD],
    client,
    event: "login.success",
  });
}

export function assertMaySignIn(deps: Deps, user: UserRecord): void {
  if (user.status === "blocked") throw new AuthError("ACCOUNT_BLOCKED");
  if (user.status === "pending" && deps.config.requireEmailVerification) {
    throw new AuthError("EMAIL_NOT_VERIFIED");
  }
}

/**
 * The user when the password is theirs, else null. An unknown email verifies a dummy
 * hash so it costs what a wrong password costs. A legacy or weaker hash is replaced
 * by a current argon2id one once the password is proven.
 */
async function checkPassword(
  deps: Deps,
  user: UserRecord | null,
  password: string,
  raw: string,
): Promise<UserRecord | null> {
  if (!user) {
    await deps.hasher.verifyDummy(password);
    return null;
  }
  let result = await deps.hasher.verify(user.passwordHash, password);
  // Imported bcrypt hashes were made from the password as typed, before NFKC (a
  // full-width password from an East Asian keyboard differs): try that once too.
  if (!result.ok && raw !== password && isLegacyHash(user.passwordHash)) {
    result = await deps.hasher.verify(user.passwordHash, raw);
  }
  if (!result.ok) return null;
  if (!result.needsRehash) return user;
  const passwordHash = await deps.hasher.hash(password);
  return (await deps.stores.users.update(user.id, { passwordHash }, deps.clock())) ?? user;
}

function isLegacyHash(hash: string): boolean {
  return hash.startsWith("$2");
}
