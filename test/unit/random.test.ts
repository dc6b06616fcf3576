import { describe, expect, it } from "vitest";
import { randomCode, randomId, randomToken, timeOrderedId } from "../../src/crypto/random.js";

describe("randomToken", () => {
  it("encodes 32 bytes (256 bits) as unpadded base64url by default", () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  it("honours a custom byte count", () => {
    expect(Buffer.from(randomToken(48), "base64url")).toHaveLength(48);
  });

  it("does not repeat", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
  });
});

describe("randomCode", () => {
  it("is always exactly 6 digits, zero-padded", () => {
    for (let i = 0; i < 2000; i++) expect(randomCode()).toMatch(/^\d{6}$/);
  });

  it("spreads over the leading digit, zero included", () => {
    const leading = new Set(Array.from({ length: 2000 }, () => randomCode()[0]));
    expect(leading.size).toBe(10);
  });
});

describe("randomId", () => {
  it("is a v4 UUID", () => {
    expect(randomId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe("timeOrderedId", () => {
  it("is a version 7 UUID whose order follows time, and creation order within a millisecond", () => {
    const at = new Date("2030-01-01T00:00:00.000Z");
    const ids = Array.from({ length: 50 }, () => timeOrderedId(at));
    expect(
      ids.every((id) =>
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id),
      ),
    ).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    const later = timeOrderedId(new Date(at.getTime() + 1));
    expect(later > (ids.at(-1) ?? "")).toBe(true);
    expect(Number.parseInt((ids[0] ?? "").replaceAll("-", "").slice(0, 12), 16)).toBe(at.getTime());
  });
});
