import type { EnvVar } from "../env-var.js";
import { durationOf, parseBoolean } from "../parsers.js";

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const WEBHOOK_VARS = [
  { name: "WEBHOOK_RETRY_FOR", aliases: [], key: "webhookRetryFor", group: "webhooks", default: "24h", fallback: "24h",
    description: "How long a failing webhook delivery is retried (backing off from 5 s to 2 h) before it is marked failed.",
    parse: durationOf({ allowZero: false }) },
  { name: "WEBHOOK_ALLOW_PRIVATE", aliases: [], key: "webhookAllowPrivate", group: "webhooks", default: "false", fallback: "false",
    description: "true: webhook URLs may reach loopback, private and link-local addresses (a receiver on the same host or network). Off, they are refused at creation and at each delivery (SSRF).",
    parse: parseBoolean },
] as const satisfies readonly EnvVar[];
