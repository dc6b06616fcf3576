import { parseArgs } from "node:util";

export const SCENARIO_NAMES = [
  "baseline",
  "jwks",
  "me",
  "refresh",
  "login",
  "register",
  "mixed",
  "mfa-verify",
  "mfa-confirm",
  "passkey-login",
  "register-webhook",
  "webhook-fanout",
  "oidc-callback",
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchOptions {
  /** Seconds each measured run lasts. */
  duration: number;
  /** Seconds of unrecorded load before each measured run (JIT, pools, caches). */
  warmup: number;
  connections: number;
  /** Unset: PGlite in a fresh temporary DATA_DIR. Set: a fresh database is created on it. */
  databaseUrl: string | undefined;
  /**
   * A database filled by bench:seed-scale, used as it is (not created, not dropped); the
   * scenarios sign in its users instead of registering their own.
   */
  scaleDatabaseUrl: string | undefined;
  scenarios: ScenarioName[];
  mail: "smtp" | "file";
  /** /auth/me requests per second sent by the probe of the mixed scenario. */
  mixedRate: number;
  /**
   * The second-factor scenarios' requests are made before the server starts (one user each):
   * this many a second of warm-up and of measured run. A run that uses them all stops early.
   */
  mfaRate: number;
  /** Sequential hashes timed in the bench process for the hash bound. */
  hashSamples: number;
  /** Folder for the server's .cpuprofile (node --cpu-prof); unset: no profile. */
  cpuProf: string | undefined;
  /** Extra KEY=VALUE for the server's environment (HASH_CONCURRENCY, UV_THREADPOOL_SIZE...). */
  serverEnv: Record<string, string>;
  out: string | undefined;
  label: string | undefined;
  /**
   * A run to prove the bench still works, not to measure: short, small, no targets; it
   * fails only when a scenario does (a non-2xx, an error, a timeout, a crash).
   */
  smoke: boolean;
}

/** --smoke's defaults: each a few seconds at most, so CI can run every scenario. */
const SMOKE_DEFAULTS = {
  duration: 1,
  warmup: 0,
  connections: 4,
  mfaRate: 50,
  hashSamples: 3,
};

export const USAGE = `Usage: npm run bench -- [options]

  --duration S         seconds per measured run (default 10)
  --warmup S           seconds of unrecorded load before each run (default 3)
  --connections N      concurrent connections (default 16)
  --database-url URL   PostgreSQL server: a fresh database is created there and dropped after
                       (default: PGlite in a fresh temporary DATA_DIR)
  --scale-database URL run against this database, filled by npm run bench:seed-scale, as
                       it is: not created, not dropped; the scenarios sign in its users
  --scenarios LIST     comma-separated subset of ${SCENARIO_NAMES.join(",")}
  --mail smtp|file     in-process SMTP sink (default) or the file transport
  --mixed-rate N       /auth/me requests per second in the mixed scenario (default 200)
  --mfa-rate N         requests a second pre-made for mfa-verify and mfa-confirm, each
                       (default 1500; a run that uses them all up stops early, and says so)
  --hash-samples N     hashes timed alone, then on each core at once, for the hash bound (default 40)
  --cpu-prof DIR       run the server under node --cpu-prof, writing the profile to DIR
  --env KEY=VALUE      extra server environment, repeatable (HASH_CONCURRENCY=2...)
  --out FILE           JSON results (default results/bench-<date>.json)
  --label TEXT         a note stored with the results (machine, commit...)
  --smoke              check that every scenario still runs, not measure: duration 1,
                       warmup 0, 4 connections, no targets; exit 1 if a scenario answers
                       a non-2xx or fails (explicit options above still apply)`;

export function parseBenchArgs(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      "database-url": { type: "string" },
      "scale-database": { type: "string" },
      scenarios: { type: "string" },
      mail: { type: "string" },
      "mixed-rate": { type: "string" },
      "mfa-rate": { type: "string" },
      "hash-samples": { type: "string" },
      "cpu-prof": { type: "string" },
      env: { type: "string", multiple: true },
      out: { type: "string" },
      label: { type: "string" },
      smoke: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const mail = values.mail ?? "smtp";
  if (mail !== "smtp" && mail !== "file") throw new Error("--mail must be smtp or file");
  if (values["database-url"] && values["scale-database"]) {
    throw new Error("--database-url and --scale-database exclude each other");
  }
  const smoke = values.smoke === true;
  const defaults = smoke
    ? SMOKE_DEFAULTS
    : { duration: 10, warmup: 3, connections: 16, mfaRate: 1500, hashSamples: 40 };
  return {
    duration: positive("duration", values.duration, defaults.duration),
    warmup: positive("warmup", values.warmup, defaults.warmup, true),
    connections: positive("connections", values.connections, defaults.connections),
    databaseUrl: values["database-url"],
    scaleDatabaseUrl: values["scale-database"],
    scenarios: scenarioList(values.scenarios),
    mail,
    mixedRate: positive("mixed-rate", values["mixed-rate"], 200),
    mfaRate: positive("mfa-rate", values["mfa-rate"], defaults.mfaRate),
    hashSamples: positive("hash-samples", values["hash-samples"], defaults.hashSamples),
    cpuProf: values["cpu-prof"],
    serverEnv: Object.fromEntries((values.env ?? []).map(keyValue)),
    out: values.out,
    label: values.label,
    smoke,
  };
}

function positive(name: string, raw: string | undefined, fallback: number, allowZero = false) {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new Error(`--${name} must be a positive number, not ${JSON.stringify(raw)}`);
  }
  return value;
}

function scenarioList(raw: string | undefined): ScenarioName[] {
  if (raw === undefined) return [...SCENARIO_NAMES];
  const names = raw.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!SCENARIO_NAMES.includes(name as ScenarioName)) {
      throw new Error(
        `unknown scenario ${JSON.stringify(name)}; known: ${SCENARIO_NAMES.join(",")}`,
      );
    }
  }
  // Always in the documented order, so the baseline is measured before it is compared to.
  return SCENARIO_NAMES.filter((name) => names.includes(name));
}

function keyValue(raw: string): [string, string] {
  const at = raw.indexOf("=");
  if (at < 1) throw new Error(`--env takes KEY=VALUE, not ${JSON.stringify(raw)}`);
  return [raw.slice(0, at), raw.slice(at + 1)];
}
