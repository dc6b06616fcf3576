import { describe, expect, it } from "vitest";
import { createSerialQueue } from "../../src/domain/serial-queue.js";

describe("createSerialQueue", () => {
  it("runs one piece at a time, in arrival order, and a failure ends only its own", async () => {
    const queue = createSerialQueue();
    const events: string[] = [];
    let running = 0;
    const piece = (name: string, fails = false) =>
      queue(async () => {
        running++;
        expect(running).toBe(1);
        events.push(`start ${name}`);
        await Promise.resolve();
        events.push(`end ${name}`);
        running--;
        if (fails) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([piece("a"), piece("b", true), piece("c")]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "failed"))).toEqual([
      "a",
      "failed",
      "c",
    ]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });
});
