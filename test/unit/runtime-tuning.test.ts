import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadRuntimeTuning } from "../../src/config/load-config.js";
import { V8_FLAGS } from "../../src/config/vars/runtime-tuning.js";

describe("runtime tuning", () => {
  it("runs `npm start` with exactly the V8 flags the README documents", () => {
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts;
    const flags = V8_FLAGS.map((flag) => flag.name).join(" ");
    expect(scripts.start).toBe(`node ${flags} scripts/start.mjs`);
  });

  it("lowers background threads unless LOWER_BACKGROUND_THREADS says not to", () => {
    expect(loadRuntimeTuning({}).lowerBackgroundThreads).toBe(true);
    expect(loadRuntimeTuning({ LOWER_BACKGROUND_THREADS: "false" }).lowerBackgroundThreads).toBe(
      false,
    );
  });

  it("stops the start on a bad value, with the rest of the configuration", () => {
    expect(() => loadConfig({ LOWER_BACKGROUND_THREADS: "maybe" })).toThrow(ConfigError);
    expect(() => loadConfig({ LOWER_BACKGROUND_THREADS: "maybe" })).toThrow(
      /^LOWER_BACKGROUND_THREADS: "maybe" is not a boolean/,
    );
  });
});
