import { describe, expect, it } from "vitest";
import {
  decodeExtendedJson,
  ExtendedJsonError,
  ObjectId,
} from "../../../src/cli/import/extended-json.js";

const decode = (text: string) => decodeExtendedJson(JSON.parse(text));

describe("decodeExtendedJson", () => {
  it("turns $oid into an ObjectId that knows its creation second", () => {
    const id = decode('{"$oid": "5F1D7F0E2C3B4A0012345678"}');
    expect(id).toBeInstanceOf(ObjectId);
    expect(String(id)).toBe("5f1d7f0e2c3b4a0012345678");
    expect((id as ObjectId).timestamp.toISOString()).toBe("2020-07-26T13:03:10.000Z");
  });

  it("reads $date in relaxed, canonical and version-1 forms", () => {
    const expected = "2020-07-26T10:00:00.000Z";
    for (const text of [
      `{"$date": "${expected}"}`,
      '{"$date": "2020-07-26T10:00:00.000+0000"}',
      '{"$date": {"$numberLong": "1595757600000"}}',
      '{"$date": 1595757600000}',
    ]) {
      expect((decode(text) as Date).toISOString(), text).toBe(expected);
    }
  });

  it("reads the number wrappers and $uuid", () => {
    expect(decode('{"$numberInt": "42"}')).toBe(42);
    expect(decode('{"$numberLong": "-7"}')).toBe(-7);
    expect(decode('{"$numberDouble": "1.5"}')).toBe(1.5);
    expect(decode('{"$numberDecimal": "2.25"}')).toBe(2.25);
    expect(decode('{"$uuid": "3B241101-E2BB-4255-8CAF-4136C566A962"}')).toBe(
      "3b241101-e2bb-4255-8caf-4136c566a962",
    );
  });

  it("decodes at any depth, in arrays, and leaves plain values and unknown wrappers alone", () => {
    const value = decode(
      '{"a": [{"$numberInt": "1"}, "x", null], "b": {"c": {"$date": "2021-01-01T00:00:00Z"}}, "d": {"$binary": {"base64": "AA==", "subType": "00"}}, "e": {"$oid": "5f1d7f0e2c3b4a0012345678", "other": 1}}',
    ) as Record<string, unknown>;
    expect(value.a).toEqual([1, "x", null]);
    expect((value.b as { c: Date }).c).toBeInstanceOf(Date);
    expect(value.d).toEqual({ $binary: { base64: "AA==", subType: "00" } });
    // Two keys: not a wrapper, an ordinary object.
    expect(value.e).toEqual({ $oid: "5f1d7f0e2c3b4a0012345678", other: 1 });
  });

  it("throws ExtendedJsonError for malformed wrappers", () => {
    for (const text of [
      '{"$oid": "xyz"}',
      '{"$date": "not a date"}',
      '{"$date": {"$numberLong": "12.5"}}',
      '{"$date": true}',
      '{"$numberLong": 5}',
      '{"$numberDouble": "abc"}',
    ]) {
      expect(() => decode(text), text).toThrow(ExtendedJsonError);
    }
  });

  it("keeps a __proto__ key as data, never as a prototype", () => {
    const value = decode('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(value)).toEqual(["__proto__", "a"]);
  });
});
