import { describe, expect, it } from "vitest";
import { createBatcher } from "../../src/storage/batcher.js";

/** A run whose batches the test settles by hand. */
function controlledRun() {
  const batches: { inputs: readonly number[]; settle: (error?: Error) => void }[] = [];
  const run = (inputs: readonly number[]) =>
    new Promise<readonly string[]>((resolve, reject) => {
      batches.push({
        inputs,
        settle: (error) => (error ? reject(error) : resolve(inputs.map((n) => `#${n}`))),
      });
    });
  return { batches, run };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("createBatcher", () => {
  it("gathers the calls of one loop turn, and queues later ones behind the batch in flight", async () => {
    const { batches, run } = controlledRun();
    const call = createBatcher(run);
    const first = [call(1), call(4)];
    expect(batches).toHaveLength(0);
    await turn();
    expect(batches.map((b) => b.inputs)).toEqual([[1, 4]]);

    const queued = [call(2), call(3), call(2)];
    await turn();
    expect(batches).toHaveLength(1);
    batches[0]?.settle();
    expect(await Promise.all(first)).toEqual(["#1", "#4"]);

    await turn();
    expect(batches.map((b) => b.inputs)).toEqual([
      [1, 4],
      [2, 3, 2],
    ]);
    batches[1]?.settle();
    expect(await Promise.all(queued)).toEqual(["#2", "#3", "#2"]);
  });

  it("runs each input of a failed batch alone, so only the bad one fails", async () => {
    const runs: number[][] = [];
    const call = createBatcher(async (inputs: readonly number[]) => {
      runs.push([...inputs]);
      if (inputs.includes(13)) throw new Error("bad input");
      return inputs.map((n) => `#${n}`);
    });
    const results = await Promise.allSettled([call(1), call(13), call(2)]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : String(r.reason)))).toEqual([
      "#1",
      "Error: bad input",
      "#2",
    ]);
    expect(runs).toEqual([[1, 13, 2], [1], [13], [2]]);
    // The batcher carries on afterwards.
    expect(await call(3)).toBe("#3");
  });

  it("fails a whole batch at once when the database is unreachable, without reruns", async () => {
    const runs: number[][] = [];
    const call = createBatcher(async (inputs: readonly number[]) => {
      runs.push([...inputs]);
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
        code: "ECONNREFUSED",
      });
    });
    const results = await Promise.allSettled([call(1), call(2), call(3)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it("gives the caller of a failed single-input batch the error, and runs the next batch", async () => {
    const { batches, run } = controlledRun();
    const call = createBatcher(run);
    const failing = call(1);
    await turn();
    const later = call(2);
    batches[0]?.settle(new Error("database down"));
    await expect(failing).rejects.toThrow("database down");
    await turn();
    batches[1]?.settle();
    expect(await later).toBe("#2");
  });

  it("disabled, runs every call alone at once", async () => {
    const { batches, run } = controlledRun();
    const call = createBatcher(run, { enabled: false });
    const both = [call(1), call(2)];
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2]]);
    for (const batch of batches) batch.settle();
    expect(await Promise.all(both)).toEqual(["#1", "#2"]);
  });

  it("splits a long queue into batches of at most maxBatch", async () => {
    const { batches, run } = controlledRun();
    const call = createBatcher(run, { maxBatch: 2 });
    const all = [0, 1, 2, 3, 4].map((n) => call(n));
    for (let i = 0; i < 3; i++) {
      await turn();
      batches[i]?.settle();
    }
    expect(batches.map((b) => b.inputs)).toEqual([[0, 1], [2, 3], [4]]);
    expect(await Promise.all(all)).toEqual(["#0", "#1", "#2", "#3", "#4"]);
  });

  it("rejects the callers a run forgot to answer", async () => {
    const call = createBatcher(async (inputs: readonly number[]) => inputs.slice(1));
    const [a, b] = [call(2), call(3)];
    await expect(a).resolves.toBe(3);
    await expect(b).rejects.toThrow("batch answered 1 of 2");
  });
});
