import type { EnvVar } from "../env-var.js";
import { integerIn, notBlank, parseSecret } from "../parsers.js";

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const METRICS_VARS = [
  // A scrape token is a shared secret like any other: 32+ characters of randomness.
  { name: "METRICS_TOKEN", aliases: [], key: "metricsToken", group: "metrics", default: "unset",
    description: "Require `Authorization: Bearer <token>` on /metrics (32+ characters); alone, it serves /metrics on the public port.",
    parse: parseSecret },
  { name: "METRICS_PORT", aliases: [], key: "metricsPort", group: "metrics", default: "unset: no metrics server",
    description: "Serve /metrics on its own port (METRICS_HOST), off the public one.",
    parse: integerIn(1, 65_535) },
  { name: "METRICS_HOST", aliases: [], key: "metricsHost", group: "metrics", default: "127.0.0.1", fallback: "127.0.0.1",
    description: "Address of the metrics server when METRICS_PORT is set.",
    parse: notBlank },
] as const satisfies readonly EnvVar[];
