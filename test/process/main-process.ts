import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The server's DATA_DIR (its embedded database and, without SMTP_URL, its mail). */
  dataDir: string;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** The sources through tsx, as the tests run them. */
const SOURCES = ["--import", "tsx", "src/main.ts"];

/**
 * Runs the server as the operator would, in its own data directory, on a free port: by
 * default `src/main.ts`; `args` replaces that (e.g. npm start's compiled server).
 */
export async function startMainProcess(
  env: Record<string, string> = {},
  args: readonly string[] = SOURCES,
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "latchkey-main-"));
  const child = spawn(process.execPath, [...args], {
    env: {
      ...process.env,
      PORT: "0",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk) => {
    text += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    text += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listen line in 90 s:\n${text}`)), 90_000);
    const look = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${text}`));
    });
  });
  return { child, url, dataDir, output: () => text, exited };
}

/** Runs main.ts to completion (it should fail to start) and returns exit code and output. */
export function runMainToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, SOURCES, {
    env: { ...process.env, PORT: "0", DATA_DIR: mkdtempSync(join(tmpdir(), "latchkey-")), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}
