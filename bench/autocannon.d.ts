// The part of autocannon 9's programmatic API the benchmark uses (the package ships no types).
declare module "autocannon" {
  export interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }

  export interface Request extends RequestParams {
    /** Called before each send with a fresh copy of this request; return it changed. */
    setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams;
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string | string[]>,
    ) => void;
    /** Anything else is copied into each connection's own copy of the request. */
    [extra: string]: unknown;
  }

  /** Requests go in `requests`: a top-level `path` is overridden by the url's own. */
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    overallRate?: number;
    /** Requests sent in all before the run stops, even before its duration is up. */
    maxOverallRequests?: number;
    requests?: Request[];
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
  }

  export interface Result {
    duration: number;
    latency: Histogram;
    requests: Histogram & { sent: number };
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
    "2xx": number;
    "4xx": number;
    "5xx": number;
  }

  // biome-ignore lint/style/noDefaultExport: describes the package, whose module.exports is this.
  export default function autocannon(options: Options): Promise<Result> & { stop(): void };
}
