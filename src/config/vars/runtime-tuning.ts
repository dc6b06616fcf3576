import type { DocumentedVar, EnvVar } from "../env-var.js";
import { parseBoolean } from "../parsers.js";

/**
 * Settings of the process rather than of the service: they change how fast and how lean
 * Latchkey runs, never what it answers. Not part of Config (loadRuntimeTuning reads them),
 * so the application and its tests never see them. Measurements: BENCHMARKS.md.
 */
// biome-ignore format: aligned table
export const TUNING_VARS = [
  // Password hashes run on libuv's pool; with one hashing thread per core the event loop
  // otherwise queues for a core behind them, and every request waits.
  { name: "LOWER_BACKGROUND_THREADS", aliases: [], key: "lowerBackgroundThreads", group: "runtime tuning",
    default: "true", fallback: "true",
    description: "Run every thread but the event loop at nice 10 (Linux only), so requests do not queue for a core behind password hashes.",
    parse: parseBoolean },
] as const satisfies readonly EnvVar[];

/**
 * The V8 flags `npm start` passes (package.json; a test keeps the two equal). They keep the
 * heap near what is live instead of letting V8 size it for a machine of its own. Running
 * `node dist/main.js` directly (a container's command, say) should pass the same flags.
 */
// biome-ignore format: aligned table
export const V8_FLAGS: readonly DocumentedVar[] = [
  { name: "--max-semi-space-size=2", aliases: [], group: "runtime tuning", default: "set by `npm start`",
    description: "Node flag: the young generation stays at 2 × 2 MiB instead of growing to 2 × 16 MiB; much less memory for slightly more scavenging per request." },
  { name: "--no-allocation-site-pretenuring", aliases: [], group: "runtime tuning", default: "set by `npm start`",
    description: "Node flag: V8 otherwise decides at start-up to allocate some objects straight in the old generation, which under load then fills with per-request garbage. Off: less memory and less CPU per request." },
  { name: "--heap-growing-percent=30", aliases: [], group: "runtime tuning", default: "set by `npm start`",
    description: "Node flag: the next full GC comes when the old generation has grown 30 % past what was live, not up to 4× on a machine with much memory. Unlike --max-old-space-size it sets no ceiling the process could die on." },
  { name: "--v8-pool-size=2", aliases: [], group: "runtime tuning", default: "set by `npm start`",
    description: "Node flag: two V8 helper threads rather than four (fewer stacks and malloc arenas), with no measured change in CPU per request." },
  { name: "--single-threaded-gc", aliases: [], group: "runtime tuning", default: "set by `npm start`",
    description: "Node flag: the garbage collector works on the event loop's thread alone. With a 2 × 2 MiB young generation it runs often and briefly, and handing each run to helper threads costs more CPU than it saves (BENCHMARKS.md, Memory)." },
];
