import pg from "pg";

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

type QueryArguments = [config: unknown, values?: unknown, callback?: unknown];

let recording: CapturedQuery[] | null = null;
let installed = false;

/**
 * Hooks pg.Client's query, before any client connects (the server's driver binds each
 * connection's query once, drivers/prepared-statements.ts), so that captureQueries can
 * record what every client of this process sends. A tool's hook, never loaded by the server.
 */
export function installQueryCapture(): void {
  if (installed) return;
  installed = true;
  const prototype = pg.Client.prototype as unknown as {
    query: (...args: QueryArguments) => unknown;
  };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: QueryArguments) {
    const [config, values] = args;
    if (recording && typeof config === "string") {
      recording.push({ text: config, values: Array.isArray(values) ? values : [] });
    } else if (recording && config && typeof config === "object" && "text" in config) {
      const query = config as { text: string; values?: unknown[] };
      recording.push({
        text: query.text,
        values: query.values ?? (Array.isArray(values) ? values : []),
      });
    }
    return original.apply(this, args);
  };
}

/** The statements sent while `record` runs (installQueryCapture first). */
export async function captureQueries(record: () => Promise<void>): Promise<CapturedQuery[]> {
  if (!installed) throw new Error("installQueryCapture() was not called");
  const captured: CapturedQuery[] = [];
  recording = captured;
  try {
    await record();
  } finally {
    recording = null;
  }
  return captured;
}

/** Statements with a plan worth reading (not BEGIN, COMMIT, SAVEPOINT, SET...). */
export function isPlannable(text: string): boolean {
  return /^\s*(select|insert|update|delete|with)\s/i.test(text) && !/^\s*select 1\s*$/i.test(text);
}
