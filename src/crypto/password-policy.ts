import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type * as LanguageCommon from "@zxcvbn-ts/language-common";

/**
 * ASVS 4.0 §2.1.7 / NIST SP 800-63B §5.1.1.2: refuse passwords known from breaches or
 * common use, and context-specific words. @zxcvbn-ts/language-common ships ~49,000
 * common passwords (ASVS asks for at least the top 3,000).
 */
interface CommonPasswords {
  /** Every password lowercased, sorted, deduplicated, each followed by "\n". */
  text: string;
  /** Where each password starts in `text`, and one more entry: the end. */
  starts: Uint32Array;
}

let commonPasswords: CommonPasswords | undefined;

/**
 * Built once, when the first policy is created (at start). One sorted string and an index
 * of offsets take a fraction of the heap that the imported package plus a Set of its strings
 * kept (BENCHMARKS.md, "Memory (RSS)"). The package is read with require() and dropped from
 * require's cache at once, so its arrays and their 49,000 strings are garbage-collected: a
 * static import would keep that module, and everything it exports, alive for the whole process.
 */
function loadCommonPasswords(): CommonPasswords {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@zxcvbn-ts/language-common");
  let words: string[];
  try {
    const { dictionary } = require(entry) as typeof LanguageCommon;
    const list = dictionary["passwords-common"] as string[];
    words = [...new Set(list.map((p) => p.toLowerCase()))].filter(
      (p) => p.length > 0 && !p.includes("\n"),
    );
  } finally {
    const packageDir = entry.slice(0, entry.lastIndexOf("@zxcvbn-ts/") + "@zxcvbn-ts/".length);
    for (const file of Object.keys(require.cache)) {
      if (file.startsWith(packageDir)) delete require.cache[file];
    }
  }
  words.sort();
  const starts = new Uint32Array(words.length + 1);
  let at = 0;
  words.forEach((word, index) => {
    starts[index] = at;
    at += word.length + 1;
  });
  starts[words.length] = at;
  // One flat string: the trailing "" gives the last password its "\n" too.
  words.push("");
  return { text: words.join("\n"), starts };
}

/** Binary search of the sorted list; `lowered` is already lowercase. */
function isListed(lowered: string): boolean {
  commonPasswords ??= loadCommonPasswords();
  const { text, starts } = commonPasswords;
  let low = 0;
  let high = starts.length - 2;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const word = text.slice(starts[middle], (starts[middle + 1] as number) - 1);
    if (word === lowered) return true;
    if (word < lowered) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

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
  // At start rather than during the first sign-up's request, which would wait for the build.
  commonPasswords ??= loadCommonPasswords();
  return {
    async check(password, context) {
      const lowered = password.toLowerCase();
      if (isListed(lowered)) {
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
  return isListed(password.toLowerCase());
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

function contextWordIn(password: string, context: PasswordContext): string | null {
  const squashed = squash(password);
  const candidates: [label: string, words: string[]][] = [
    // Only the part before the @ is checked, and the message says so: "your email address"
    // read as the whole address to someone whose password merely contains "admin".
    [
      "email name (the part of your email address before the @)",
      [context.email?.split("@")[0] ?? ""],
    ],
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
