import { buildApp } from "./app.js";
import { startRuntime } from "./composition/runtime.js";
import { ConfigError, loadConfig, loadRuntimeTuning } from "./config/load-config.js";
import { ensureBootstrapAdmin } from "./domain/bootstrap.js";
import { createLogger } from "./logging/logger.js";
import { startMetricsServer } from "./metrics/http.js";
import { lowerBackgroundThreads } from "./process/thread-priority.js";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config);
  const runtime = await startRuntime(config, { logger });
  const bootstrap = await ensureBootstrapAdmin(runtime.deps);
  if (bootstrap !== "skipped") logger.info({ outcome: bootstrap }, "bootstrap admin ready");

  const app = buildApp(config, runtime.deps, {
    ping: runtime.database.ping,
    logger,
    metrics: runtime.metrics,
  });
  await app.listen({ port: config.port, host: config.host });
  if (loadRuntimeTuning(process.env).lowerBackgroundThreads) {
    logger.debug({ threads: await lowerBackgroundThreads() }, "background threads lowered");
  }
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsServer(runtime.metrics, {
          host: config.metricsHost,
          port: config.metricsPort,
          token: config.metricsToken,
          logger,
        });
  if (metricsServer) logger.info({ url: metricsServer.url }, "metrics server listening");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, timeoutSeconds: config.shutdownTimeout }, "shutting down");
    // Past the timeout, exit anyway: an orchestrator's kill would come next regardless.
    const deadline = setTimeout(() => {
      logger.error("shutdown timed out; exiting with work still in flight");
      process.exit(1);
    }, config.shutdownTimeout * 1000);
    deadline.unref();
    // Stop accepting, let in-flight requests finish, then mail, then the database.
    await app.close();
    await metricsServer?.close();
    await runtime.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  // One line for the operator: which setting is wrong, or why the start failed.
  // DatabaseInUseError by name: importing the PGlite driver for its class would load PGlite
  // into servers that run on PostgreSQL.
  if (
    error instanceof ConfigError ||
    (error instanceof Error && error.name === "DatabaseInUseError")
  ) {
    console.error(`latchkey: ${error.message}`);
  } else {
    console.error("latchkey: failed to start:", error);
  }
  process.exit(1);
});
