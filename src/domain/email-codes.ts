import { hashCode } from "../crypto/digest.js";
import { randomCode } from "../crypto/random.js";
import type { Stores, UserRecord } from "../storage/ports.js";
import type { Deps } from "./deps.js";

/** Stores a fresh email-verification code for the user (replacing any other) and returns it. */
export async function issueEmailCode(
  deps: Deps,
  stores: Stores,
  user: UserRecord,
  now: Date,
): Promise<string> {
  const code = randomCode();
  await stores.codes.put({
    userId: user.id,
    purpose: "email",
    kind: "code",
    secretHash: hashCode(user.id, "email", code),
    expiresAt: new Date(now.getTime() + deps.config.emailCodeTtl * 1000),
    now,
  });
  return code;
}

export function mailEmailCode(deps: Deps, user: UserRecord, code: string): void {
  deps.mailer.verificationCode(user, code, deps.config.emailCodeTtl);
}
