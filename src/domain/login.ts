import { AuthError } from "../errors.js";
import type { UserRecord } from "../storage/ports.js";
import type { ClientContext, Deps } from "./deps.js";
import { normalizeEmail } from "./input-rules.js";
import { startSession, type TokenBundle } from "./sessions.js";
import { presentedPassword } from "./validate.js";

export interface LoginInput {
  email: string;
  password: string;
}

export async function login(
  deps: Deps,
  input: LoginInput,
  client: ClientContext,
): Promise<TokenBundle> {
  const password = presentedPassword(input.password);
  const email = normalizeEmail(input.email);
  const user = email.ok ? await deps.stores.users.findByEmail(email.value) : null;
  const verified = await checkPassword(deps, user, password);
  // Status is told only after the password is proven (CONTRACT.md): before that,
  // every failure is the same 401.
  if (!verified) throw new AuthError("INVALID_CREDENTIALS");
  assertMaySignIn(deps, verified);
  return startSession(deps, verified, client);
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
): Promise<UserRecord | null> {
  if (!user) {
    await deps.hasher.verifyDummy(password);
    return null;
  }
  const result = await deps.hasher.verify(user.passwordHash, password);
  if (!result.ok) return null;
  if (!result.needsRehash) return user;
  const passwordHash = await deps.hasher.hash(password);
  return (await deps.stores.users.update(user.id, { passwordHash }, deps.clock())) ?? user;
}
