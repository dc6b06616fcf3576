import pg from "pg";

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

type QueryArguments = [config: unknown, values?: unknown, callback?: unknown];

/**
 * Records every statement any pg client of this process sends while `record` runs: the
 * queries a route really makes, whatever module builds them. A tool's hook, never loaded
 * by the server.
 */
export async function captureQueries(record: () => Promise<void>): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  const prototype = pg.Client.prototype as unknown as {
    query: (...args: QueryArguments) => unknown;
  };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: QueryArguments) {
    const [config, values] = args;
    if (typeof config === "string") {
      captured.push({ text: config, values: Array.isArray(values) ? values : [] });
    } else if (config && typeof config === "object" && "text" in config) {
      const query = config as { text: string; values?: unknown[] };
      captured.push({
        text: query.text,
        values: query.values ?? (Array.isArray(values) ? values : []),
      });
    }
    return original.apply(this, args);
  };
  try {
    await record();
  } finally {
    prototype.query = original;
  }
  return captured;
}

/** Statements with a plan worth reading (not BEGIN, COMMIT, SAVEPOINT, SET...). */
export function isPlannable(text: string): boolean {
  return /^\s*(select|insert|update|delete|with)\s/i.test(text) && !/^\s*select 1\s*$/i.test(text);
}
