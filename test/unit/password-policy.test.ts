import { createHash } from "node:crypto";
import { dictionary } from "@zxcvbn-ts/language-common";
import { describe, expect, it, vi } from "vitest";
import { createPasswordPolicy, isCommonPassword } from "../../src/crypto/password-policy.js";

const STRONG = "violet tractor sings under copper rain";

function sha1Parts(password: string): { prefix: string; suffix: string } {
  const digest = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
  return { prefix: digest.slice(0, 5), suffix: digest.slice(5) };
}

/** A fake of the HIBP range API answering `body`, recording the URLs it was asked for. */
function rangeApi(body: (prefix: string) => string, status = 200) {
  const urls: string[] = [];
  const fake = vi.fn(async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    const prefix = url.slice(url.lastIndexOf("/") + 1);
    return new Response(body(prefix), { status });
  });
  return { fetch: fake as unknown as typeof fetch, urls };
}

/** Other suffixes of the same range, as the real API pads its answers. */
function padding(count: number): string {
  return Array.from(
    { length: count },
    (_, i) => `${i.toString(16).toUpperCase().padStart(35, "0")}:${i}`,
  ).join("\r\n");
}

describe("isCommonPassword", () => {
  const list = dictionary["passwords-common"] as string[];

  it("holds the whole bundled list of about 49,000 common passwords", () => {
    expect(list.length).toBeGreaterThan(45_000);
    expect(list.length).toBeLessThan(55_000);
    expect(list.every((password) => isCommonPassword(password))).toBe(true);
  });

  it("knows well-known entries, in any case", () => {
    for (const p of ["password123", "qwertyuiop", "iloveyou1", "PassWord123", "QWERTYUIOP"]) {
      expect(isCommonPassword(p), p).toBe(true);
    }
  });

  it("does not flag an uncommon passphrase", () => {
    expect(isCommonPassword(STRONG)).toBe(false);
    expect(isCommonPassword("k3#vT9!qLm2@")).toBe(false);
  });
});

describe("createPasswordPolicy().check", () => {
  const policy = createPasswordPolicy();

  it("refuses common passwords, saying so", async () => {
    expect(await policy.check("password123", {})).toMatch(/too common/i);
    expect(await policy.check("ILOVEYOU1", {})).toMatch(/too common/i);
  });

  it("accepts a strong passphrase with no context", async () => {
    expect(await policy.check(STRONG, {})).toBeNull();
    expect(await policy.check(STRONG, { email: null, name: null, username: null })).toBeNull();
  });

  it("refuses the email local part, the name (or a word of it) and the username", async () => {
    const context = { email: "marguerite@example.com", name: "Ada Quince", username: "rocket_man" };
    expect(await policy.check("I am Marguerite!!", context)).toMatch(/email address/);
    expect(await policy.check("adaquince forever", context)).toMatch(/\bname\b/);
    expect(await policy.check("quince jelly jar", context)).toMatch(/\bname\b/);
    expect(await policy.check("my rocketman pass", context)).toMatch(/username/);
  });

  it("says that it is the part of the email before the @ that the password contains", async () => {
    const message = await policy.check("my admin keyring 2024", { email: "admin@example.com" });
    expect(message).toBe(
      "The password must not contain your email name (the part of your email address before the @).",
    );
  });

  it("ignores context words shorter than 4 characters", async () => {
    expect(await policy.check("canada goose migration", { name: "Ada" })).toBeNull();
    expect(await policy.check("bobsled champions club", { email: "bob@example.com" })).toBeNull();
    expect(await policy.check("quince tree blossom day", { name: "Al Quince" })).toMatch(/name/);
    expect(await policy.check("annapolis harbour view", { name: "Anna" })).toMatch(/name/);
  });
});

describe("createPasswordPolicy with the HIBP range check", () => {
  it("refuses a password whose SHA-1 suffix is in the range answer", async () => {
    const { suffix } = sha1Parts(STRONG);
    const api = rangeApi(() => `${padding(20)}\r\n${suffix}:42\r\n${padding(3)}`);
    const onFailure = vi.fn();
    const policy = createPasswordPolicy({ hibp: { timeoutMs: 1000, onFailure, fetch: api.fetch } });
    expect(await policy.check(STRONG, {})).toMatch(/breach/i);
    expect(onFailure).not.toHaveBeenCalled();
  });

  it("accepts a password whose suffix is absent, or present only as padding (count 0)", async () => {
    const { suffix } = sha1Parts(STRONG);
    for (const body of [padding(30), `${padding(5)}\r\n${suffix}:0`]) {
      const api = rangeApi(() => body);
      const onFailure = vi.fn();
      const policy = createPasswordPolicy({
        hibp: { timeoutMs: 1000, onFailure, fetch: api.fetch },
      });
      expect(await policy.check(STRONG, {})).toBeNull();
      expect(onFailure).not.toHaveBeenCalled();
    }
  });

  it("sends only the 5-character prefix of the SHA-1 (k-anonymity)", async () => {
    const { prefix, suffix } = sha1Parts(STRONG);
    const api = rangeApi(() => padding(3));
    const policy = createPasswordPolicy({
      hibp: { timeoutMs: 1000, onFailure: () => {}, fetch: api.fetch },
    });
    await policy.check(STRONG, {});
    expect(api.urls).toEqual([`https://api.pwnedpasswords.com/range/${prefix}`]);
    expect(prefix).toMatch(/^[0-9A-F]{5}$/);
    expect(api.urls[0]).not.toContain(suffix);
    expect(api.urls[0]).not.toContain(encodeURIComponent(STRONG));
  });

  it("is not asked about common or personal passwords, which are refused first", async () => {
    const api = rangeApi(() => "");
    const policy = createPasswordPolicy({
      hibp: { timeoutMs: 1000, onFailure: () => {}, fetch: api.fetch },
    });
    await policy.check("password123", {});
    await policy.check("marguerite rules", { email: "marguerite@example.com" });
    expect(api.urls).toEqual([]);
  });

  it("fails open when fetch rejects, and reports the failure", async () => {
    const error = new Error("ECONNREFUSED");
    const onFailure = vi.fn();
    const policy = createPasswordPolicy({
      hibp: {
        timeoutMs: 1000,
        onFailure,
        fetch: (async () => Promise.reject(error)) as typeof fetch,
      },
    });
    expect(await policy.check(STRONG, {})).toBeNull();
    expect(onFailure).toHaveBeenCalledWith(error);
  });

  it("fails open on a non-2xx answer, and reports it", async () => {
    const onFailure = vi.fn();
    const api = rangeApi(() => "Service Unavailable", 503);
    const policy = createPasswordPolicy({ hibp: { timeoutMs: 1000, onFailure, fetch: api.fetch } });
    expect(await policy.check(STRONG, {})).toBeNull();
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it("fails open after timeoutMs when the API never answers, and reports the timeout", async () => {
    const onFailure = vi.fn();
    // Like real fetch: settles only when the abort signal fires.
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      })) as typeof fetch;
    const policy = createPasswordPolicy({ hibp: { timeoutMs: 100, onFailure, fetch: hanging } });
    const started = Date.now();
    expect(await policy.check(STRONG, {})).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure.mock.calls[0]?.[0]).toMatchObject({
      name: expect.stringMatching(/TimeoutError|AbortError/),
    });
  });
});
