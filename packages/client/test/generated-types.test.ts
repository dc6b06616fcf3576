import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formattedSource, GENERATED_FILE, serverDocument } from "../scripts/generated-source.js";
import { errorCodesOf, typeOf } from "../scripts/openapi-types.js";

describe("@latchkey/client types", () => {
  it("src/generated/openapi.ts is what the server's OpenAPI document generates (no drift)", async () => {
    const expected = formattedSource(await serverDocument());
    const committed = readFileSync(GENERATED_FILE, "utf8");
    // On failure: `npm run generate -w @latchkey/client` and commit the result.
    expect(committed).toBe(expected);
  });

  it("renders the JSON Schema TypeBox emits", () => {
    expect(
      typeOf({
        type: "object",
        required: ["a", "with-dash"],
        properties: {
          a: { anyOf: [{ type: "string" }, { type: "null" }] },
          "with-dash": { type: "array", items: { enum: ["x", "y"] } },
          b: { type: "integer" },
        },
        additionalProperties: true,
      }),
    ).toBe('{ a: string | null; "with-dash": ("x" | "y")[]; b?: number; [key: string]: unknown; }');
    expect(typeOf({ const: true })).toBe("true");
    expect(typeOf({ type: ["string", "null"] })).toBe("string | null");
    expect(typeOf({})).toBe("unknown");
    expect(errorCodesOf("| code | status |\n|---|---|\n| EMAIL_TAKEN | 409 | taken |")).toEqual([
      "EMAIL_TAKEN",
    ]);
  });
});
