import type { EnvVar } from "../env-var.js";
import { parseDirectory, urlWithScheme } from "../parsers.js";

// A table reads best as one: name, aliases, key and default on the first line of each entry.
// biome-ignore format: aligned table
export const DATABASE_VARS = [
  { name: "DATABASE_URL", aliases: [], key: "databaseUrl", group: "database",
    default: "unset: embedded PGlite in `$DATA_DIR/db`",
    description: "PostgreSQL connection URL (`postgres://user:pass@host:5432/db`).",
    parse: urlWithScheme(/^postgres(?:ql)?:\/\//i, "postgres:// or postgresql://") },
  { name: "DATA_DIR", aliases: [], key: "dataDir", group: "database", default: "./data", fallback: "./data",
    description: "Folder for the embedded database, the dev mail folder and generated keys.",
    parse: parseDirectory },
] as const satisfies readonly EnvVar[];
