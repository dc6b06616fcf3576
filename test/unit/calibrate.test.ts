import { describe, expect, it } from "vitest";
import { suggest } from "../../src/cli/commands/calibrate.js";

// Times shaped like this 2-core machine's when idle: ~3.8 ms per pass over 19 MiB.
const TIMINGS = [
  { memoryKib: 19_456, iterations: 2, ms: 7.6 },
  { memoryKib: 19_456, iterations: 3, ms: 11.4 },
  { memoryKib: 19_456, iterations: 4, ms: 15.2 },
  { memoryKib: 32_768, iterations: 2, ms: 13 },
  { memoryKib: 32_768, iterations: 3, ms: 19.5 },
  { memoryKib: 32_768, iterations: 4, ms: 26 },
  { memoryKib: 65_536, iterations: 2, ms: 27 },
  { memoryKib: 65_536, iterations: 3, ms: 40.5 },
  { memoryKib: 65_536, iterations: 4, ms: 54 },
];

describe("calibrate's suggestion", () => {
  it("takes the most memory that fits at t=2, then the passes that still fit", () => {
    expect(suggest(TIMINGS, 50)).toEqual({ memoryKib: 65_536, iterations: 3, ms: 40.5 });
    expect(suggest(TIMINGS, 30)).toEqual({ memoryKib: 65_536, iterations: 2, ms: 27 });
    expect(suggest(TIMINGS, 20)).toMatchObject({ memoryKib: 32_768, iterations: 3 });
  });

  it("never goes below OWASP's minimum, even when the target is out of reach", () => {
    expect(suggest(TIMINGS, 5)).toEqual({ memoryKib: 19_456, iterations: 2, ms: 7.6 });
    expect(suggest([], 5)).toMatchObject({ memoryKib: 19_456, iterations: 2 });
  });

  it("estimates extra passes from the measured slope", () => {
    const suggestion = suggest(TIMINGS.slice(0, 3), 100);
    expect(suggestion.memoryKib).toBe(19_456);
    // 7.6 ms at t=2 and 3.8 ms a pass: 24 passes take 91.2 ms, 25 would take 95, 26 take 98.8.
    expect(suggestion.iterations).toBe(26);
    expect(suggestion.ms).toBeCloseTo(98.8);
  });
});
