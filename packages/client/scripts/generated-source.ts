import { execFileSync } from "node:child_process";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { pglite } from "../../../test/helpers/stores.js";
import { startTestServer } from "../../../test/helpers/test-server.js";
import { type OpenApiDocument, renderTypes } from "./openapi-types.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

export const GENERATED_FILE = join(root, "packages/client/src/generated/openapi.ts");

/** The OpenAPI document a real server builds, as GET /openapi.json answers it. */
export async function serverDocument(): Promise<OpenApiDocument> {
  const server = await startTestServer({ store: pglite });
  try {
    const response = await server.get("/openapi.json");
    if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}`);
    return response.body as OpenApiDocument;
  } finally {
    await server.close();
  }
}

/** What src/generated/openapi.ts must hold, formatted as the repository's biome formats it. */
export function formattedSource(document: OpenApiDocument): string {
  return execFileSync(
    join(root, "node_modules/.bin/biome"),
    ["format", `--stdin-file-path=${relative(root, GENERATED_FILE)}`],
    { cwd: root, input: renderTypes(document), encoding: "utf8" },
  );
}
