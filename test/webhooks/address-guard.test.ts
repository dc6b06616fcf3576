import { describe, expect, it } from "vitest";
import { checkWebhookTarget, forbiddenAddressReason } from "../../src/webhooks/address-guard.js";

describe("forbiddenAddressReason (SSRF)", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["0.0.0.0", "this network"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fe80::1", "link-local"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "link-local (cloud metadata)"],
    ["::ffff:a00:1", "private"],
    ["64:ff9b::a9fe:a9fe", "link-local (cloud metadata)"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });

  it.each(["93.184.216.34", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])(
    "lets %s through",
    (address) => {
      expect(forbiddenAddressReason(address)).toBeNull();
    },
  );
});

describe("checkWebhookTarget", () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("refuses a name when any of its addresses is private, and pins a public one", async () => {
    const mixed = await checkWebhookTarget("https://hooks.example.com/x", {
      allowPrivate: false,
      resolve: resolveTo("93.184.216.34", "10.1.2.3"),
    });
    expect(mixed).toEqual({ ok: false, reason: "resolves to a private address (10.1.2.3)" });
    const pinned = await checkWebhookTarget("https://hooks.example.com/x", {
      allowPrivate: false,
      resolve: resolveTo("93.184.216.34"),
    });
    expect(pinned.ok && pinned.target.address).toBe("93.184.216.34");
  });

  it("refuses other schemes, credentials and IP literals in odd spellings", async () => {
    const check = (url: string) => checkWebhookTarget(url, { allowPrivate: false });
    expect(await check("ftp://93.184.216.34/")).toMatchObject({ ok: false });
    expect(await check("https://user:pw@93.184.216.34/")).toMatchObject({ ok: false });
    // The URL parser normalises these to 127.0.0.1 before the check sees them.
    expect(await check("http://2130706433/")).toMatchObject({ ok: false });
    expect(await check("http://0x7f.1/")).toMatchObject({ ok: false });
    expect(await check("http://[::ffff:127.0.0.1]/")).toMatchObject({ ok: false });
  });

  it("lets anything that resolves through with WEBHOOK_ALLOW_PRIVATE", async () => {
    const verdict = await checkWebhookTarget("http://127.0.0.1:9/", { allowPrivate: true });
    expect(verdict.ok && verdict.target.address).toBe("127.0.0.1");
  });
});
