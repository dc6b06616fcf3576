import { PASSWORD_MAX_LENGTH } from "../../rules/password.js";
import type { EnvVar } from "../env-var.js";
import { integerIn, parseBoolean } from "../parsers.js";

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const PASSWORD_VARS = [
  // NIST SP 800-63B (rev. 3) §5.1.1.2: memorized secrets chosen by the subscriber SHALL be
  // at least 8 characters, so 8 is the floor; the ceiling is the contract's 256.
  { name: "PASSWORD_MIN_LENGTH", aliases: [], key: "passwordMinLength", group: "passwords", default: "8", fallback: "8",
    description: "Least password length, in characters (8 to 256).",
    parse: integerIn(8, PASSWORD_MAX_LENGTH, " (NIST SP 800-63B §5.1.1.2)") },
  // OWASP Password Storage Cheat Sheet: argon2id with at least m=19456 KiB (19 MiB), t=2, p=1.
  // The ceiling (4 GiB) catches a value typed in bytes before the first login runs out of memory.
  { name: "ARGON2_MEMORY_KIB", aliases: [], key: "argon2MemoryKib", group: "passwords", default: "19456", fallback: "19456",
    description: "argon2id memory cost, in KiB (at least 19456).",
    parse: integerIn(19_456, 4_194_304, " (OWASP Password Storage Cheat Sheet)") },
  { name: "ARGON2_ITERATIONS", aliases: [], key: "argon2Iterations", group: "passwords", default: "2", fallback: "2",
    description: "argon2id time cost, passes over the memory (at least 2).",
    parse: integerIn(2, 1000, " (OWASP Password Storage Cheat Sheet)") },
  // Each running hash holds ARGON2_MEMORY_KIB and a core: more at once than cores only adds
  // memory and context switches (BENCHMARKS.md). Keep it below UV_THREADPOOL_SIZE (libuv's,
  // default 4), which also runs every JWT signature and verification.
  { name: "HASH_CONCURRENCY", aliases: [], key: "hashConcurrency", group: "passwords",
    default: "the number of cores (os.availableParallelism())",
    description: "Password hashes run at once; others wait in line. Set UV_THREADPOOL_SIZE above it.",
    parse: integerIn(1, 1024) },
  // The default bounds the wait to a fixed number of hash times whatever the core count,
  // since the queue drains HASH_CONCURRENCY at a time; the measured wait is in BENCHMARKS.md.
  { name: "HASH_QUEUE_MAX", aliases: [], key: "hashQueueMax", group: "passwords",
    default: "64 × HASH_CONCURRENCY",
    description: "Hashes that may wait; past that, sign-up and login answer 503 with Retry-After: 1.",
    parse: integerIn(0, 1_000_000) },
  { name: "HIBP_ENABLED", aliases: [], key: "hibpEnabled", group: "passwords", default: "false", fallback: "false",
    description: "Also refuse passwords found by the Have I Been Pwned range API (k-anonymity); fails open.",
    parse: parseBoolean },
  { name: "HIBP_TIMEOUT_MS", aliases: [], key: "hibpTimeoutMs", group: "passwords", default: "1500", fallback: "1500",
    description: "Time allowed for the HIBP lookup before the password is accepted anyway.",
    parse: integerIn(100, 10_000) },
] as const satisfies readonly EnvVar[];
