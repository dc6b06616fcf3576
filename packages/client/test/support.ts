import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestServer } from "../../../test/helpers/test-server.js";
import {
  createLatchkeyClient,
  type LatchkeyClientOptions,
  type TokenStorage,
} from "../src/index.js";

/** A client of the test server, as an app would make one. */
export function clientOf(
  server: TestServer,
  storage?: TokenStorage,
  extra: Partial<LatchkeyClientOptions> = {},
) {
  return createLatchkeyClient({
    baseUrl: server.url,
    ...(storage ? { storage } : {}),
    // Each client its own channel: tests in one process are not tabs of one page.
    name: `test-${Math.random().toString(36).slice(2)}`,
    ...extra,
  });
}

/**
 * How many requests the server answered for `METHOD route`, read from its own Prometheus
 * counter (http_requests_total), so the count is the server's, not the client's.
 */
export async function requestsSeen(server: TestServer, method: string, route: string) {
  const text = await server.runtime.metrics.render();
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("http_requests_total{")) continue;
    if (!line.includes(`method="${method}"`) || !line.includes(`route="${route}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** Refresh-token reuses the server detected (each one revokes a session family). */
export async function reusesSeen(server: TestServer): Promise<number> {
  const text = await server.runtime.metrics.render();
  const line = text.split("\n").find((l) => l.startsWith("latchkey_refresh_reuse_total"));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

/** A Map behind the Web Storage interface: two clients on one of these are two tabs. */
export function sharedStore() {
  const map = new Map<string, string>();
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    }),
  );
}

/**
 * dist/ as `npm ci` (this package's prepare) left it, rebuilt only when src/ is newer: suites
 * that run at once then never rewrite files another one is reading.
 */
export function ensureClientBuilt(): string {
  const built = join(packageDir, "dist/index.js");
  const stale =
    !existsSync(built) || statSync(built).mtimeMs < newestMtime(join(packageDir, "src"));
  if (stale) execFileSync("npm", ["run", "build"], { cwd: packageDir, stdio: "ignore" });
  return packageDir;
}
