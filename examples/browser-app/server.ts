import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Bundles src/main.ts (with @latchkey/client from its built dist/) and serves the page. */
export async function startAppServer(options: {
  latchkeyUrl: string;
  port?: number;
  host?: string;
}): Promise<AppServer> {
  const bundle = await build({
    entryPoints: [join(here, "src/main.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    define: { LATCHKEY_URL: JSON.stringify(options.latchkeyUrl) },
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const page = (await readFile(join(here, "index.html"), "utf8")).replace(
    "</body>",
    '<script type="module" src="/app.js"></script></body>',
  );
  const csp = `default-src 'self'; style-src 'unsafe-inline'; connect-src ${new URL(options.latchkeyUrl).origin}`;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://app").pathname;
    const [type, body] =
      path === "/app.js" ? ["text/javascript", script] : path === "/" ? ["text/html", page] : [];
    if (!type) return response.writeHead(404).end();
    response.writeHead(200, {
      "content-type": `${type}; charset=utf-8`,
      "content-security-policy": csp,
    });
    response.end(body);
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 5173, options.host ?? "127.0.0.1", resolve),
  );
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * `npm start`: this app on :5173 (APP_PORT) and, beside it, a Latchkey on :3000
 * (LATCHKEY_PORT) that allows it; with LATCHKEY_URL set, only the app, for that Latchkey.
 */
async function main(): Promise<void> {
  const latchkeyPort = process.env.LATCHKEY_PORT ?? "3000";
  const app = await startAppServer({
    latchkeyUrl: process.env.LATCHKEY_URL ?? `http://127.0.0.1:${latchkeyPort}`,
    port: Number(process.env.APP_PORT ?? 5173),
  });
  let latchkey: ChildProcess | undefined;
  if (!process.env.LATCHKEY_URL) {
    // Plain http on localhost: cookies without Secure; the app's origin may call with cookies.
    latchkey = spawn("npm", ["start"], {
      cwd: join(here, "../.."),
      stdio: "inherit",
      env: { ...process.env, PORT: latchkeyPort, CORS_ORIGINS: app.url, COOKIE_SECURE: "false" },
    });
  }
  console.log(`browser app: ${app.url} (sign-up codes are in Latchkey's log and ./data/mail)`);
  const stop = () => {
    latchkey?.kill("SIGTERM");
    void app.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
