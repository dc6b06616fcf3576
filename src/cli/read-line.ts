import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { ReadStream } from "node:tty";
import { CliUsageError } from "./usage.js";

/**
 * The first line of stdin without its line ending: how --password-stdin takes a password
 * that must not appear in `ps` or the shell history. On a terminal it prompts and does not
 * echo what is typed.
 */
export async function readSecretLine(
  input: Readable,
  prompt: string,
  what: string,
): Promise<string> {
  const tty = input as Partial<ReadStream>;
  if (tty.isTTY && typeof tty.setRawMode === "function") {
    return readHidden(input as ReadStream, prompt);
  }
  return readFirstLine(input, what);
}

async function readFirstLine(input: Readable, what: string): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
    // Leaves the rest unread and lets the process exit even if the writer keeps stdin open.
    input.destroy();
  }
  throw new CliUsageError(`expected ${what} on stdin, got nothing`);
}

function readHidden(input: ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.setEncoding("utf8");
  input.resume();
  let typed: string[] = [];
  return new Promise((resolve, reject) => {
    const finish = (error: Error | null) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed.join(""));
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") return finish(null);
        if (char === "\u0003") return finish(new CliUsageError("cancelled"));
        if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else typed.push(char);
      }
    };
    input.on("data", onData);
  });
}
