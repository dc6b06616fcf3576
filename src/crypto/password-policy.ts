import { createHash } from "node:crypto";
import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * ASVS 4.0 §2.1.7 / NIST SP 800-63B §5.1.1.2: refuse passwords known from breaches or
 * common use, and context-specific words. @zxcvbn-ts/language-common ships ~49,000
 * common passwords (ASVS asks for at least the top 3,000); the Set is built once, here.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  (dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()),
);

export interface PasswordContext {
  email?: string | null | undefined;
  name?: string | null | undefined;
  username?: string | null | undefined;
}

export interface PasswordPolicy {
  /** A sentence saying why the password is refused, or null when it may be used. */
  check(password: string, context: PasswordContext): Promise<string | null>;
}

export interface PasswordPolicyOptions {
  /** Have I Been Pwned range lookups (k-anonymity): off by default, fails open. */
  hibp?: { timeoutMs: number; onFailure: (error: unknown) => void; fetch?: typeof fetch };
}

// Context words shorter than this would refuse too much ("ada" inside "canada").
const MIN_CONTEXT_WORD = 4;

export function createPasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  return {
    async check(password, context) {
      const lowered = password.toLowerCase();
      if (COMMON_PASSWORDS.has(lowered)) {
        return "This password is too common. Choose one that is harder to guess.";
      }
      const word = contextWordIn(lowered, context);
      if (word) return `The password must not contain your ${word}.`;
      if (options.hibp && (await isPwned(password, options.hibp))) {
        return "This password appears in known data breaches. Choose another one.";
      }
      return null;
    },
  };
}

export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

function contextWordIn(password: string, context: PasswordContext): string | null {
  const squashed = squash(password);
  const candidates: [label: string, words: string[]][] = [
    ["email address", [context.email?.split("@")[0] ?? ""]],
    ["name", [context.name ?? "", ...(context.name?.split(/\s+/) ?? [])]],
    ["username", [context.username ?? ""]],
  ];
  for (const [label, words] of candidates) {
    for (const word of words.map(squash)) {
      if (word.length >= MIN_CONTEXT_WORD && squashed.includes(word)) return label;
    }
  }
  return null;
}

/**
 * k-anonymity: only the first 5 hex digits of the SHA-1 leave the machine. Any failure
 * or timeout accepts the password (availability over a second opinion) and is reported.
 */
async function isPwned(
  password: string,
  options: NonNullable<PasswordPolicyOptions["hibp"]>,
): Promise<boolean> {
  const digest = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
  const prefix = digest.slice(0, 5);
  const suffix = digest.slice(5);
  try {
    const response = await (options.fetch ?? fetch)(
      `https://api.pwnedpasswords.com/range/${prefix}`,
      { signal: AbortSignal.timeout(options.timeoutMs), headers: { "add-padding": "true" } },
    );
    if (!response.ok) throw new Error(`HIBP answered ${response.status}`);
    const body = await response.text();
    return body.split("\n").some((line) => {
      const [candidate, count] = line.trim().split(":");
      return candidate === suffix && Number(count) > 0;
    });
  } catch (error) {
    options.onFailure(error);
    return false;
  }
}
