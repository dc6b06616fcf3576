import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { startSmtpCapture } from "../test/helpers/smtp-capture.js";
import { parseBenchArgs, USAGE } from "./args.js";
import {
  type BenchDatabase,
  countScaleUsers,
  createBenchDatabase,
  existingBenchDatabase,
} from "./database.js";
import { measureHashBound } from "./hash-bound.js";
import { type MfaSeed, seedMfa } from "./mfa-seed.js";
import { startBenchOidc } from "./oidc-seed.js";
import { benchWebauthnEnv } from "./passkey-seed.js";
import { checkTargets, formatResults, formatTargets } from "./report.js";
import { signInScaleUsers } from "./scale-users.js";
import { Pool, runScenario, type ScenarioContext, type ScenarioResult } from "./scenarios.js";
import { seedUsers } from "./seed.js";
import { REPO_ROOT, startServer } from "./server.js";
import { BENCH_ADMIN_EMAIL, BENCH_ADMIN_PASSWORD, closeWebhookBench } from "./webhook-scenarios.js";

/** Variables of the bench's own environment handed on to the server when set. */
const PASSED_THROUGH = [
  "ARGON2_MEMORY_KIB",
  "ARGON2_ITERATIONS",
  "HASH_CONCURRENCY",
  "HASH_QUEUE_MAX",
  "UV_THREADPOOL_SIZE",
  "JWT_SECRET",
];

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => console.error(`bench: ${line}`);
  const cleanups: (() => Promise<void>)[] = [];
  // Newest first, each step once, whether the run ends, fails or is interrupted.
  const cleanup = async () => {
    for (let step = cleanups.pop(); step; step = cleanups.pop()) {
      await step().catch((error: unknown) => log(String(error)));
    }
  };
  process.once("SIGINT", () => void cleanup().then(() => process.exit(130)));

  try {
    const dataDir = await mkdtemp(join(tmpdir(), "latchkey-bench-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const smtp = options.mail === "smtp" ? await startSmtpCapture() : undefined;
    if (smtp) cleanups.push(() => smtp.close());
    let database: BenchDatabase | undefined;
    if (options.scaleDatabaseUrl) {
      database = existingBenchDatabase(options.scaleDatabaseUrl);
    } else if (options.databaseUrl) {
      database = await createBenchDatabase(options.databaseUrl);
      const created = database;
      cleanups.push(() => created.drop());
    }

    const passedThrough = Object.fromEntries(
      PASSED_THROUGH.flatMap((name) => {
        const value = process.env[name];
        return value ? [[name, value]] : [];
      }),
    );
    // Set rather than generated into DATA_DIR, so the bench can seal the seeded factors' seeds.
    const encryptionKey = randomBytes(32);
    const serverEnv: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: smtp ? "production" : "development",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      RATE_LIMIT_ENABLED: "false",
      REQUIRE_EMAIL_VERIFICATION: "false",
      COOKIE_SECURE: "false",
      ENCRYPTION_KEY: encryptionKey.toString("hex"),
      // The webhook scenarios' admin, and their receiver on 127.0.0.1.
      BOOTSTRAP_ADMIN_EMAIL: BENCH_ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      WEBHOOK_ALLOW_PRIVATE: "true",
      // The software authenticators' RP ID and origin (bench/passkey-seed.ts).
      ...benchWebauthnEnv(),
      ...(smtp ? { SMTP_URL: smtp.url } : {}),
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...passedThrough,
      ...options.serverEnv,
    };
    if (serverEnv.ENCRYPTION_KEY !== encryptionKey.toString("hex")) {
      throw new Error("--env ENCRYPTION_KEY is not supported: the bench seals seeds with its own");
    }
    const params = {
      memoryKib: Number(serverEnv.ARGON2_MEMORY_KIB ?? 19_456),
      iterations: Number(serverEnv.ARGON2_ITERATIONS ?? 2),
    };

    // Before the server opens the database: PGlite admits one process at a time.
    let mfa: MfaSeed | undefined;
    const mfaCount = (name: "mfa-verify" | "mfa-confirm") =>
      options.scenarios.includes(name)
        ? Math.ceil(options.mfaRate * (options.warmup + options.duration))
        : 0;
    if (mfaCount("mfa-verify") + mfaCount("mfa-confirm") > 0) {
      log(
        `seeding ${mfaCount("mfa-verify")} users with a challenge and ${mfaCount("mfa-confirm")} with an enrolment`,
      );
      mfa = await seedMfa({
        target: database
          ? { kind: "postgres", url: database.url }
          : { kind: "pglite", dir: join(dataDir, "db") },
        encryptionKey,
        hashParams: params,
        verifyCount: mfaCount("mfa-verify"),
        confirmCount: mfaCount("mfa-confirm"),
      });
    }

    const nodeFlags = options.cpuProf
      ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.cpuProf)}`]
      : [];
    // Its client's redirect URI is the server's PUBLIC_URL: started first, on a port chosen for both.
    const oidc = options.scenarios.includes("oidc-callback") ? await startBenchOidc() : null;
    if (oidc) {
      cleanups.push(() => oidc.close());
      Object.assign(serverEnv, oidc.env);
    }
    log(`starting Latchkey on ${database ? "PostgreSQL" : "PGlite"}`);
    const server = await startServer({
      env: serverEnv,
      nodeFlags,
      ...(oidc ? { port: oidc.port } : {}),
    });
    cleanups.push(() => server.stop());
    cleanups.push(closeWebhookBench);

    const seedCount = Math.max(64, options.connections * 4);
    const users = options.scaleDatabaseUrl
      ? await signInScaleUsers(
          server.url,
          seedCount,
          await countScaleUsers(options.scaleDatabaseUrl),
          log,
        )
      : await seedUsers(server.url, seedCount, "seed", log);
    smtp?.clear();

    log(
      `timing the hash bound: ${options.hashSamples} hashes alone, then as many on each core at once`,
    );
    const boundBefore = await measureHashBound(params, options.hashSamples);

    const context: ScenarioContext = {
      url: server.url,
      pid: server.pid,
      connections: options.connections,
      duration: options.duration,
      warmup: options.warmup,
      mixedRate: options.mixedRate,
      users,
      refreshTokens: users.map((user) => user.refreshToken),
      mfaRate: options.mfaRate,
      mfaVerify: new Pool(mfa?.verify ?? []),
      mfaConfirm: new Pool(mfa?.confirm ?? []),
      mfaSeededAt: mfa?.seededAt ?? null,
      passkeys: [],
      signIns: { count: 0 },
      oidc,
      oidcCallbacks: new Pool([]),
      oidcWrong: { count: 0 },
    };
    const results: ScenarioResult[] = [];
    for (const name of options.scenarios) {
      log(`${name}: ${options.warmup} s warm-up, ${options.duration} s measured`);
      results.push(await runScenario(name, context));
      // The sink keeps every mail it parses: empty it so the bench's memory stays flat.
      smtp?.clear();
    }

    // Timed again with the server idle: on a shared machine one moment can be slow, and
    // the faster of the two is the stricter bound.
    const boundAfter = await measureHashBound(params, options.hashSamples);
    const bound =
      boundAfter.hashesPerSecond > boundBefore.hashesPerSecond ? boundAfter : boundBefore;
    // A smoke run measures nothing worth comparing: only "it answered 2xx" counts.
    const checks = checkTargets(results, bound).filter(
      (check) => !options.smoke || check.target.endsWith("no non-2xx, errors or timeouts"),
    );
    const database_ = options.scaleDatabaseUrl
      ? "postgres (scale)"
      : database
        ? "postgres"
        : "pglite";
    console.log(
      `\nLatchkey on ${database_}, ${options.connections} connections, ${options.duration} s per scenario\n`,
    );
    console.log(formatResults(results, bound));
    console.log(
      `(timed before and after the scenarios: ${Math.round(boundBefore.hashesPerSecond)} and ` +
        `${Math.round(boundAfter.hashesPerSecond)} hashes/s; the faster counts)`,
    );
    console.log(`\n${formatTargets(checks)}`);
    const failed = checks.filter((check) => check.pass === false).length;
    console.log(`\n${failed === 0 ? "all targets PASS" : `${failed} target(s) FAIL`}`);

    if (options.smoke && options.out === undefined) return failed === 0 ? 0 : 1;
    const date = new Date();
    const out = resolve(
      options.out ??
        join(REPO_ROOT, "results", `bench-${date.toISOString().replace(/[:.]/g, "-")}.json`),
    );
    await mkdir(dirname(out), { recursive: true });
    const record = {
      date: date.toISOString(),
      label: options.label ?? null,
      database: database_,
      machine: {
        cpu: cpus()[0]?.model ?? "unknown",
        cores: availableParallelism(),
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      options: { ...options, databaseUrl: options.databaseUrl ? "(set)" : undefined },
      serverEnv: Object.fromEntries(
        Object.entries(serverEnv).filter(
          ([name]) =>
            !["PATH", "HOME", "DATA_DIR", "SMTP_URL", "DATABASE_URL", "ENCRYPTION_KEY"].includes(
              name,
            ),
        ),
      ),
      hashBound: {
        ...bound,
        hashesPerSecondBefore: boundBefore.hashesPerSecond,
        hashesPerSecondAfter: boundAfter.hashesPerSecond,
      },
      scenarios: results,
      targets: checks,
      pass: failed === 0,
      serverOutput: server.output.slice(-20),
    };
    await writeFile(out, `${JSON.stringify(record, null, 2)}\n`);
    log(`results written to ${out}`);
    return failed === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("bench: failed:", error);
    process.exitCode = 2;
  },
);
