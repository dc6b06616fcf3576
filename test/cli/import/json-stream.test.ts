import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecordSplitter, type SplitItem } from "../../../src/cli/import/json-stream.js";

function split(text: string, chunkSizes: number[] = [], maxChars?: number): SplitItem[] {
  const splitter = new RecordSplitter(maxChars);
  const items: SplitItem[] = [];
  let at = 0;
  for (const size of chunkSizes) {
    items.push(...splitter.push(text.slice(at, at + size)));
    at += size;
  }
  items.push(...splitter.push(text.slice(at)));
  items.push(...splitter.end());
  return items;
}

const records = (items: SplitItem[]) =>
  items
    .filter((i) => i.kind === "record")
    .map((i) => ({ line: i.line, value: JSON.parse(i.text) }));

describe("RecordSplitter", () => {
  it("splits a one-line JSON array (mongoexport --jsonArray) into its objects", () => {
    const splitter = new RecordSplitter();
    const items = [
      ...splitter.push('[{"a":1},{"b":"}{]["},\n{"c":[1,{"d":2}]}]\n'),
      ...splitter.end(),
    ];
    expect(splitter.detectedLayout).toBe("array");
    expect(records(items)).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 1, value: { b: "}{][" } },
      { line: 2, value: { c: [1, { d: 2 }] } },
    ]);
  });

  it("gives each object of a --pretty array the line it starts on", () => {
    const text = '[\n\t{\n\t\t"a": 1\n\t},\n\t{\n\t\t"b": "x\\"}"\n\t}\n]\n';
    expect(records(split(text))).toEqual([
      { line: 2, value: { a: 1 } },
      { line: 5, value: { b: 'x"}' } },
    ]);
  });

  it("reads JSON lines one line at a time, so a broken line costs only itself", () => {
    const text = '{"a":1}\r\n{"b":\n\n{"c":3}\n   \n{"d":4}';
    const splitter = new RecordSplitter();
    const items = [...splitter.push(text), ...splitter.end()];
    expect(splitter.detectedLayout).toBe("lines");
    expect(items).toEqual([
      { kind: "record", line: 1, text: '{"a":1}' },
      { kind: "record", line: 2, text: '{"b":' },
      { kind: "record", line: 4, text: '{"c":3}' },
      { kind: "record", line: 6, text: '{"d":4}' },
    ]);
  });

  it("reads concatenated multi-line objects (mongoexport --pretty without --jsonArray)", () => {
    const splitter = new RecordSplitter();
    const items = [...splitter.push('{\n\t"a": 1\n}\n{\n\t"b": 2\n}\n'), ...splitter.end()];
    expect(splitter.detectedLayout).toBe("objects");
    expect(records(items)).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: { b: 2 } },
    ]);
  });

  it("skips a byte-order mark", () => {
    expect(records(split('\uFEFF[{"a":1}]'))).toEqual([{ line: 1, value: { a: 1 } }]);
    expect(records(split('\uFEFF{"a":1}\n'))).toEqual([{ line: 1, value: { a: 1 } }]);
  });

  it("reports text between array elements that is not an object, with its line", () => {
    const items = split('[{"a":1},\n42,\n{"b":2}] trailing');
    expect(records(items).map((r) => r.value)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(items.filter((i) => i.kind === "error")).toEqual([
      { kind: "error", line: 2, text: "42", message: "expected a JSON object here" },
      {
        kind: "error",
        line: 3,
        text: "trailing",
        message: "unexpected text after the end of the JSON array",
      },
    ]);
  });

  it("reports a record the file ends inside, and an array never closed", () => {
    const items = split('[{"a":1},\n{"b": "unterminated}\n');
    expect(items).toEqual([
      { kind: "record", line: 1, text: '{"a":1}' },
      {
        kind: "error",
        line: 2,
        text: '{"b": "unterminated}\n',
        message: "the file ends inside this record",
      },
      { kind: "warning", line: 3, message: expect.stringContaining("not closed") },
    ]);
  });

  it("holds at most maxChars of a record, reports it, and resumes after it", () => {
    const big = `{"x":"${"y".repeat(500)}"}`;
    const items = split(`[{"a":1},${big},{"b":2}]`, [3, 100, 7], 64);
    expect(items.map((i) => i.kind)).toEqual(["record", "error", "record"]);
    const error = items[1] as Extract<SplitItem, { kind: "error" }>;
    expect(error.text).toHaveLength(64);
    expect(error.message).toContain("larger than 64");
    expect(split(`${big}\n{"b":2}\n`, [], 64).map((i) => i.kind)).toEqual(["error", "record"]);
  });

  it("finds the same records wherever the chunks are cut", () => {
    const text =
      '[\n {"a":"\\\\","b":"\\"{["},\n {"c":{"d":[1,2,{"e":"é😀"}]}},\n {"f":"line\\nfeed"}\n]\n';
    const whole = split(text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 30 }), (sizes) => {
        expect(split(text, sizes)).toEqual(whole);
      }),
    );
    expect(records(whole)).toHaveLength(3);
  });
});
