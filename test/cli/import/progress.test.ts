import { describe, expect, it } from "vitest";
import {
  etaSeconds,
  formatDuration,
  ProgressReporter,
  renderBar,
  renderCountLine,
} from "../../../src/cli/import/progress.js";

describe("progress formatting", () => {
  it("formats durations as m:ss or h:mm:ss", () => {
    expect(formatDuration(5)).toBe("0:05");
    expect(formatDuration(125)).toBe("2:05");
    expect(formatDuration(3725)).toBe("1:02:05");
  });

  it("estimates the time left from the share of bytes read", () => {
    expect(etaSeconds({ records: 10, bytesRead: 25, totalBytes: 100, elapsedMs: 10_000 })).toBe(30);
    expect(etaSeconds({ records: 0, bytesRead: 0, totalBytes: 100, elapsedMs: 0 })).toBeUndefined();
    expect(
      etaSeconds({ records: 5, bytesRead: 5, totalBytes: 0, elapsedMs: 1000 }),
    ).toBeUndefined();
  });

  it("renders a bar with percentage, count, rate and ETA", () => {
    const bar = renderBar({ records: 50_000, bytesRead: 50, totalBytes: 100, elapsedMs: 5000 }, 10);
    expect(bar).toBe("█████░░░░░  50%  50,000 users  10,000 users/s  ETA 0:05");
    expect(renderBar({ records: 3, bytesRead: 10, totalBytes: 0, elapsedMs: 1000 })).toBe(
      "3 users  3 users/s",
    );
  });

  it("renders a plain count line", () => {
    expect(renderCountLine({ records: 20_000, bytesRead: 1, totalBytes: 4, elapsedMs: 2000 })).toBe(
      "20,000 users read (10,000 users/s, 25% of the file)",
    );
  });
});

describe("ProgressReporter", () => {
  function reporter(tty: boolean) {
    let now = 0;
    const out: string[] = [];
    const progress = new ProgressReporter({
      tty,
      write: (text) => out.push(text),
      now: () => now,
      totalBytes: 1000,
    });
    return { progress, out, advance: (ms: number) => (now += ms) };
  }

  it("redraws a terminal bar in place at most every 100 ms", () => {
    const { progress, out, advance } = reporter(true);
    progress.update(1, 10);
    progress.update(2, 20);
    advance(99);
    progress.update(3, 30);
    expect(out).toHaveLength(1);
    advance(1);
    progress.update(4, 40);
    expect(out).toHaveLength(2);
    expect(out[1]?.startsWith("\r")).toBe(true);
    expect(out[1]).toContain("4 users");
    expect(out[1]?.endsWith("\x1b[K")).toBe(true);
    progress.interrupt();
    expect(out.at(-1)).toBe("\r\x1b[K");
    progress.update(5, 50);
    expect(out.at(-1)).toMatch(/5 users/);
    progress.finish(6, 1000);
    expect(out.at(-2)).toMatch(/100%.*6 users/);
    expect(out.at(-1)).toBe("\n");
  });

  it("writes one plain line per 10,000 records elsewhere", () => {
    const { progress, out, advance } = reporter(false);
    for (let records = 1; records <= 25_000; records += 500) {
      advance(10);
      progress.update(records, records / 25);
    }
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^10,001 users read \(/);
    expect(out[1]).toMatch(/^20,001 users read/);
    progress.interrupt();
    progress.finish(25_000, 1000);
    expect(out).toHaveLength(2);
  });
});
