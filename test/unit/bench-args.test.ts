import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "../../bench/args.js";

describe("npm run bench arguments", () => {
  it("--smoke shortens every scenario and keeps explicit options", () => {
    expect(parseBenchArgs(["--smoke"])).toMatchObject({
      smoke: true,
      duration: 1,
      warmup: 0,
      connections: 4,
      mfaRate: 50,
      hashSamples: 3,
    });
    expect(parseBenchArgs(["--smoke", "--duration", "2", "--connections", "8"])).toMatchObject({
      smoke: true,
      duration: 2,
      connections: 8,
    });
    expect(parseBenchArgs([])).toMatchObject({ smoke: false, duration: 10, warmup: 3 });
  });

  it("runs on a scale database as it is, and refuses it beside --database-url", () => {
    expect(parseBenchArgs(["--scale-database", "postgres://h/scale"])).toMatchObject({
      scaleDatabaseUrl: "postgres://h/scale",
      databaseUrl: undefined,
    });
    expect(() =>
      parseBenchArgs(["--scale-database", "postgres://h/a", "--database-url", "postgres://h/b"]),
    ).toThrow(/exclude each other/);
  });
});
