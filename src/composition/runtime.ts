import { join } from "node:path";
import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import { createAccessTokens } from "../crypto/access-tokens.js";
import { loadEncryptionKey } from "../crypto/encryption-key.js";
import { limitHashing } from "../crypto/hash-queue.js";
import { startKeyRefresher } from "../crypto/key-refresh.js";
import { KeyRing } from "../crypto/key-ring.js";
import { createPasswordHasher, type PasswordHasher } from "../crypto/password.js";
import { createPasswordPolicy } from "../crypto/password-policy.js";
import { createSecretBox } from "../crypto/secret-box.js";
import type { SignInGate } from "../domain/deps.js";
import type { AppDeps } from "../http/types.js";
import { createLimiterFactory, type LimiterBackend } from "../limits/limiter-backend.js";
import { createRateLimits, NO_LIMITS } from "../limits/rate-limits.js";
import { createAuditLog } from "../logging/audit-log.js";
import { type DeliveryWorker, startDeliveryWorker } from "../mail/delivery-worker.js";
import { createMailer } from "../mail/mailer.js";
import type { MailTransport } from "../mail/transport.js";
import { createFileTransport } from "../mail/transports/file.js";
import { createSmtpTransport } from "../mail/transports/smtp.js";
import { registerAccountGauges } from "../metrics/account-gauges.js";
import {
  instrumentAudit,
  instrumentHasher,
  instrumentLimits,
  instrumentTransport,
} from "../metrics/instrument.js";
import { createMetrics, type Metrics } from "../metrics/metrics.js";
import { BackgroundTasks } from "../process/background-tasks.js";
import type { PollingWorker } from "../process/polling-worker.js";
import { batchStores } from "../storage/batching.js";
import {
  type DatabaseHandle,
  type DatabaseTarget,
  databaseTarget,
  openDatabase,
} from "../storage/database.js";
import { migrateToLatest } from "../storage/migrate.js";
import { startPurgeJob } from "../storage/purge.js";
import { createStores } from "../storage/stores/index.js";
import { checkWebhookTarget } from "../webhooks/address-guard.js";
import { startWebhookWorker } from "../webhooks/delivery-worker.js";
import {
  METHOD_PURGES,
  METHOD_STORE_BATCHING,
  SECOND_FACTORS,
  SIGN_IN_GATES,
} from "./sign-in-methods.js";

export interface RuntimeOptions {
  logger: Logger;
  /** Defaults to the configuration's: DATABASE_URL, or PGlite in DATA_DIR. */
  database?: DatabaseTarget;
  /** Tests pass a cheaper hasher where hashing is not what they test. */
  hasher?: PasswordHasher;
  clock?: () => Date;
  /** Where rate-limit counters live; defaults from REDIS_URL, then the database. */
  limiter?: LimiterBackend;
  /** The outbox is polled this often; defaults to MAIL_POLL_INTERVAL. */
  mailPollMs?: number;
  /** The webhook outbox is polled this often; defaults to MAIL_POLL_INTERVAL too. */
  webhookPollMs?: number;
  /** How long a receiver has to answer; the contract's 10 s unless a test shortens it. */
  webhookTimeoutMs?: number;
  /** Signing keys are re-read from the database this often (other instances rotate too). */
  keyReloadIntervalMs?: number;
  /** Expired codes and sessions are purged this often; 0 turns the job off. */
  purgeIntervalMs?: number;
  metrics?: Metrics;
  /** Defaults to the gates of the sign-in methods switched on (sign-in-methods.ts). */
  signInGates?: readonly SignInGate[];
}

export interface Runtime {
  readonly deps: AppDeps;
  readonly database: DatabaseHandle;
  /** The outbox's delivery worker: flush() sends what is due now. */
  readonly mail: DeliveryWorker;
  /** The webhook outbox's worker: flush() delivers what is due now. */
  readonly webhooks: PollingWorker;
  readonly background: BackgroundTasks;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

const DEFAULT_PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** The contract: a receiver that has not answered in 10 s has failed this attempt. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * On PostgreSQL, reads are prepared once per connection: neither this process nor the
 * database parses or (mostly) plans them again. Writes are not: PostgreSQL may keep one
 * generic plan for a prepared statement, and for writes that went wrong both times it was
 * tried. The refresh rotation's, chosen while refresh_sessions was small, halved refresh
 * throughput as the table grew; the reset secret's upsert fails outright, as a generic
 * plan cannot match `on conflict … where purpose = $n` to its partial unique index
 * (BENCHMARKS.md). Forcing a plan per run instead cost `/auth/me` its gain. The cap
 * bounds what each backend holds.
 */
export const PREPARED_STATEMENTS = {
  maxPerConnection: 100,
  prepare: (text: string) => /^\s*select\s/i.test(text),
};

/** Opens and wires everything the service needs, migrating the database first. */
export async function startRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { logger } = options;
  const clock = options.clock ?? (() => new Date());
  const metrics =
    options.metrics ??
    createMetrics({ oauthProviders: config.oauthProviders.map((provider) => provider.id) });
  const target = options.database ?? databaseTarget(config);
  if (config.encryptionKey === undefined && target.kind === "postgres") {
    logger.warn(
      "ENCRYPTION_KEY is unset: second-factor secrets are sealed with a key kept in DATA_DIR; instances that do not share that folder would each make their own, so set ENCRYPTION_KEY (crypto/encryption-key.ts)",
    );
  }
  // Before anything is opened: a missing or damaged key stops the start with nothing to close.
  const secrets = createSecretBox(
    await loadEncryptionKey({ configured: config.encryptionKey, dataDir: config.dataDir }),
  );
  const database = await openDatabase(target, { preparedStatements: PREPARED_STATEMENTS });
  try {
    const migrated = await migrateToLatest(database.db);
    if (migrated.applied.length) logger.info({ migrations: migrated.applied }, "migrated");
    // Concurrent hot calls share one statement (storage/batching.ts).
    const stores = batchStores(createStores(database.db), METHOD_STORE_BATCHING);
    registerAccountGauges(
      metrics.registry,
      () => stores.stats.accountCounts(clock()),
      (error) => logger.warn({ err: error }, "account gauges could not be read"),
      clock,
    );
    // The metrics wrapper is innermost: it times the hash itself, not the wait for a slot
    // (that shows in the request duration), and a shed request records no hash. The types hold
    // the order: Deps.hasher needs the admit() that only limitHashing's result has.
    const hasher = limitHashing(
      instrumentHasher(
        options.hasher ??
          (await createPasswordHasher({
            memoryKib: config.argon2MemoryKib,
            iterations: config.argon2Iterations,
          })),
        metrics,
      ),
      { concurrency: config.hashConcurrency, maxQueue: config.hashQueueMax },
    );
    const keyRing = config.jwtSecret ? undefined : await KeyRing.load(stores.keys, clock());
    const keyRefresher =
      keyRing &&
      startKeyRefresher(keyRing, clock, {
        intervalMs: options.keyReloadIntervalMs ?? config.keyReloadInterval * 1000,
        minIntervalMs: 1_000,
        onError: (error) => logger.warn({ err: error }, "signing keys could not be reloaded"),
      });
    const tokens = createAccessTokens({
      issuer: config.publicUrl,
      audience: config.accessTokenAudience,
      ttlSeconds: config.accessTokenTtl,
      jwtSecret: config.jwtSecret,
      keyRing,
      onUnknownKid: keyRefresher?.onUnknownKid,
    });
    const limits = instrumentLimits(
      config.rateLimitEnabled
        ? createRateLimits(
            config,
            await createLimiterFactory(options.limiter ?? limiterBackend(config, target), {
              onStoreError: (error) =>
                logger.warn({ err: error }, "rate-limit store unavailable; limiting per process"),
            }),
          )
        : NO_LIMITS,
      metrics,
    );
    const transport = instrumentTransport(createTransport(config, logger), metrics);

    const background = new BackgroundTasks((error, name) =>
      logger.error({ err: error, task: name }, "background task failed"),
    );
    const mail = startDeliveryWorker({
      store: stores.outbox,
      transport,
      from: config.mailFrom,
      clock,
      log: logger,
      pollMs: options.mailPollMs ?? config.mailPollInterval * 1000,
      leaseMs: config.mailLease * 1000,
      maxAttempts: config.mailMaxAttempts,
      batchSize: MAIL_BATCH,
      onDead: () => metrics.countMailDead(),
    });
    const webhooks = startWebhookWorker({
      store: stores.webhooks,
      secrets,
      clock,
      log: logger,
      pollMs: options.webhookPollMs ?? config.mailPollInterval * 1000,
      // A delivery's lease outlives its request's timeout by MAIL_LEASE, so a slow receiver is
      // not sent the same delivery by another instance while this one still waits for it.
      leaseMs: config.mailLease * 1000 + (options.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS),
      retryForMs: config.webhookRetryFor * 1000,
      timeoutMs: options.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS,
      allowPrivate: config.webhookAllowPrivate,
      onOutcome: (outcome) => metrics.countWebhookDelivery(outcome),
    });
    const deps: AppDeps = {
      config,
      stores,
      hasher,
      passwords: createPasswordPolicy(
        config.hibpEnabled
          ? {
              hibp: {
                timeoutMs: config.hibpTimeoutMs,
                onFailure: (error) =>
                  logger.warn({ err: error }, "HIBP lookup failed; password accepted (fail open)"),
              },
            }
          : {},
      ),
      tokens,
      secrets,
      mailer: createMailer({ productName: config.brandName }),
      clock,
      defer: (name, task) => background.run(name, task),
      audit: instrumentAudit(createAuditLog(stores.audit, clock, logger), metrics),
      limits,
      signInGates: options.signInGates ?? SIGN_IN_GATES,
      secondFactors: SECOND_FACTORS,
      webhookUrlRefusal: async (url) => {
        const verdict = await checkWebhookTarget(url, { allowPrivate: config.webhookAllowPrivate });
        return verdict.ok ? null : verdict.reason;
      },
    };
    const purgeEvery = options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
    const purge =
      purgeEvery > 0
        ? startPurgeJob(
            stores,
            clock,
            purgeEvery,
            (error) => logger.error({ err: error }, "purge of expired rows failed"),
            { auditRetentionSeconds: config.auditRetention, methods: METHOD_PURGES },
          )
        : undefined;
    return {
      deps,
      database,
      mail,
      webhooks,
      background,
      metrics,
      async close() {
        purge?.stop();
        keyRefresher?.stop();
        await background.flush();
        // What is due goes out before the database closes; the rest waits in the outbox.
        await mail.flush();
        await mail.stop();
        await webhooks.stop();
        await transport.close();
        await limits.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

// The delivery worker sends a claimed batch at once; a connection for each keeps that.
const MAIL_BATCH = 20;

function createTransport(config: Config, logger: Logger): MailTransport {
  // Connections kept open between messages while mail flows: a sign-up's mail on an open
  // one costs ~40 % less CPU than on a new one (bench/mail-send-cost.ts).
  if (config.smtpUrl) {
    return createSmtpTransport(config.smtpUrl, { keepAliveMs: 5_000, maxConnections: MAIL_BATCH });
  }
  const dir = join(config.dataDir, "mail");
  logger.info({ dir }, "no SMTP_URL: mail is written to files");
  return createFileTransport(dir, logger);
}

/** Redis when configured (shared by every instance), else the database, else memory. */
function limiterBackend(config: Config, target: DatabaseTarget): LimiterBackend {
  if (config.redisUrl) return { kind: "redis", url: config.redisUrl };
  if (target.kind === "postgres") {
    return target.schema
      ? { kind: "postgres", url: target.url, schema: target.schema }
      : { kind: "postgres", url: target.url };
  }
  return { kind: "memory" };
}
