import { describe, expect, it } from "vitest";
import { base64urlToBytes, bytesToBase64url } from "../src/index.js";
import { creationOptions, credentialToJSON, requestOptions } from "../src/passkey-browser.js";

const bytes = (...values: number[]) => Uint8Array.from(values).buffer;

describe("passkey conversions (browsers without PublicKeyCredential.toJSON)", () => {
  it("base64url round-trips every byte value, unpadded", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = bytesToBase64url(all);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(base64urlToBytes(text)).toEqual(all);
    expect(bytesToBase64url(bytes(0xfb, 0xff))).toBe("-_8");
  });

  it("turns the server's JSON options into the buffers navigator.credentials wants", () => {
    const created = creationOptions({
      success: true,
      message: "ok",
      challenge: "AQID",
      rp: { name: "Latchkey", id: "localhost" },
      user: { id: "BAU", name: "a@b.test", displayName: "a@b.test" },
      pubKeyCredParams: [{ alg: -7, type: "public-key" }],
      excludeCredentials: [{ id: "Bg", type: "public-key" }],
    });
    expect(created).not.toHaveProperty("success");
    expect(created.challenge).toEqual(Uint8Array.from([1, 2, 3]));
    expect(created.user.id).toEqual(Uint8Array.from([4, 5]));
    expect(created.excludeCredentials?.[0]?.id).toEqual(Uint8Array.from([6]));
    const requested = requestOptions({ success: true, message: "ok", challenge: "Bw" });
    expect(requested.challenge).toEqual(Uint8Array.from([7]));
    expect(requested.allowCredentials).toBeUndefined();
  });

  it("writes a credential as WebAuthn Level 3 JSON by hand when it has no toJSON", () => {
    const json = credentialToJSON({
      id: "AQ",
      rawId: bytes(1),
      type: "public-key",
      authenticatorAttachment: "platform",
      response: {
        clientDataJSON: bytes(2),
        authenticatorData: bytes(3),
        signature: bytes(4),
        userHandle: bytes(5),
      },
      getClientExtensionResults: () => ({}),
    });
    expect(json).toEqual({
      id: "AQ",
      rawId: "AQ",
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: "Ag",
        authenticatorData: "Aw",
        signature: "BA",
        userHandle: "BQ",
      },
    });
  });
});
