import type { EnvVar, Parsed } from "../env-var.js";
import {
  durationOf,
  fail,
  integerIn,
  millisecondsIn,
  notBlank,
  ok,
  oneOf,
  quote,
} from "../parsers.js";

/** PUBLIC_URL, APP_URL: links are built as `${base}/path`, so the base has no trailing slash. */
function parseBaseUrl(raw: string): Parsed<string> {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return fail(`${quote(raw)} is not an absolute http:// or https:// URL`);
  }
  if (url.search !== "" || url.hash !== "") {
    return fail(`${quote(raw)} must not have a ?query or #fragment (links are appended to it)`);
  }
  if (url.username !== "" || url.password !== "") return fail("must not contain credentials");
  // origin + pathname also drops a bare "?" or "#", which href would keep.
  return ok(`${url.origin}${url.pathname}`.replace(/\/+$/, ""));
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const NODE_ENVS = ["development", "production", "test"] as const;

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const SERVER_VARS = [
  { name: "PORT", aliases: [], key: "port", group: "server", default: "3000", fallback: "3000",
    description: "TCP port to listen on; 0 picks any free port (tests).",
    parse: integerIn(0, 65_535) },
  { name: "HOST", aliases: [], key: "host", group: "server", default: "127.0.0.1", fallback: "127.0.0.1",
    description: "Address to listen on; 0.0.0.0 accepts outside connections.",
    parse: notBlank },
  { name: "PUBLIC_URL", aliases: [], key: "publicUrl", group: "server", default: "http://localhost:$PORT",
    description: "The service's own base URL; issuer of access tokens.",
    parse: parseBaseUrl },
  { name: "APP_URL", aliases: ["DASHBOARD_URL"], key: "appUrl", group: "server", default: "PUBLIC_URL",
    description: "Base of the links in emails (verification, password reset).",
    parse: parseBaseUrl },
  { name: "NODE_ENV", aliases: [], key: "nodeEnv", group: "server", default: "development", fallback: "development",
    description: "development, production or test; production requires SMTP_URL.",
    parse: oneOf(NODE_ENVS) },
  { name: "LOG_LEVEL", aliases: [], key: "logLevel", group: "server", default: "info", fallback: "info",
    description: `One of ${LOG_LEVELS.join(", ")}.`,
    parse: oneOf(LOG_LEVELS) },
  // Below 1 KiB not even a registration body fits.
  { name: "BODY_LIMIT", aliases: [], key: "bodyLimit", group: "server", default: "1048576", fallback: "1048576",
    description: "Largest request body, in bytes (at least 1024).",
    parse: integerIn(1024, Number.MAX_SAFE_INTEGER) },
  // A client that sends its headers or body a byte at a time holds a socket and its memory
  // for as long as it likes (slowloris); Node's own request timeout is 5 min.
  { name: "HEADERS_TIMEOUT", aliases: [], key: "headersTimeoutMs", group: "server", default: "10s", fallback: "10s",
    description: "Time a client has to send a request's headers; then 408 and the connection is closed.",
    parse: millisecondsIn(100, 3_600_000) },
  { name: "REQUEST_TIMEOUT", aliases: [], key: "requestTimeoutMs", group: "server", default: "30s", fallback: "30s",
    description: "Time a client has to send a whole request, body included (at least HEADERS_TIMEOUT).",
    parse: millisecondsIn(100, 3_600_000) },
  { name: "SHUTDOWN_TIMEOUT", aliases: [], key: "shutdownTimeout", group: "server", default: "10s", fallback: "10s",
    description: "On SIGTERM, how long in-flight requests and mail may take before the process exits.",
    parse: durationOf({ allowZero: false }) },
] as const satisfies readonly EnvVar[];
