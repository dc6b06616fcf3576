import { decodeQR } from "@paulmillr/qr/decode.js";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { qrSvg } from "../../src/methods/totp/qr.js";
import {
  newRecoveryCodes,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from "../../src/methods/totp/recovery-codes.js";
import {
  base32Of,
  codeAt,
  matchingStep,
  newTotpSecret,
  otpauthUrl,
  stepAt,
  TOTP_SECRET_BYTES,
} from "../../src/methods/totp/totp.js";

// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890", 8-digit vectors; the last six
// digits are the 6-digit codes apps show.
const RFC_SECRET = Buffer.from("12345678901234567890", "ascii");
const RFC_VECTORS: [seconds: number, code: string][] = [
  [59, "287082"],
  [1111111109, "081804"],
  [1111111111, "050471"],
  [1234567890, "005924"],
  [2000000000, "279037"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(RFC_VECTORS)("at %i s the code is %s, in its own step", (seconds, code) => {
    const now = new Date(seconds * 1000);
    expect(codeAt(RFC_SECRET, now)).toBe(code);
    expect(matchingStep(RFC_SECRET, code, now)).toBe(Math.floor(seconds / 30));
  });

  it("accepts one step of drift either way, not two", () => {
    const now = new Date(1_800_000_000_000);
    const at = (steps: number) => codeAt(RFC_SECRET, new Date(now.getTime() + steps * 30_000));
    expect(matchingStep(RFC_SECRET, at(-1), now)).toBe(stepAt(now) - 1);
    expect(matchingStep(RFC_SECRET, at(1), now)).toBe(stepAt(now) + 1);
    expect(matchingStep(RFC_SECRET, at(-2), now)).toBeNull();
    expect(matchingStep(RFC_SECRET, at(2), now)).toBeNull();
  });

  it("refuses what is not 6 ASCII digits without throwing (a compare of unequal bytes would)", () => {
    const now = new Date(59_000);
    for (const bad of ["", "28708", "2870822", "28708a", "２８７０８２", "287 82", "28708\u0000"]) {
      expect(matchingStep(RFC_SECRET, bad, now), JSON.stringify(bad)).toBeNull();
    }
  });

  it("makes 160-bit secrets, and the URL an app scans names issuer, account and parameters", () => {
    const secret = newTotpSecret();
    expect(secret).toHaveLength(TOTP_SECRET_BYTES);
    expect(newTotpSecret().equals(secret)).toBe(false);
    const url = otpauthUrl(secret, { issuer: "Latchkey", account: "ada@example.test" });
    const parsed = parseOtpauthUrl(url);
    expect(parsed).toMatchObject({
      issuer: "Latchkey",
      label: "ada@example.test",
      digits: 6,
      period: 30,
      algorithm: "SHA1",
    });
    expect(parsed.secret.base32).toBe(base32Of(secret));
    expect(base32Of(secret)).toMatch(/^[A-Z2-7]{32}$/);
  });

  it("draws the URL as an SVG QR code that decodes back to it", () => {
    const url = otpauthUrl(newTotpSecret(), { issuer: "Latchkey", account: "ada@example.test" });
    const svg = qrSvg(url);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(decodeQR(rasterize(svg))).toBe(url);
  });
});

describe("recovery codes", () => {
  it("ten codes of five groups of five, all different, 125 bits each", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes)
      expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it("are read with or without dashes, in any case, look-alikes as their digits", () => {
    const [code] = newRecoveryCodes() as [string];
    const normalized = code.replaceAll("-", "");
    expect(normalizeRecoveryCode(code)).toBe(normalized);
    expect(normalizeRecoveryCode(code.toLowerCase().replaceAll("-", " "))).toBe(normalized);
    expect(normalizeRecoveryCode("0000I-11111-22222-33333-4444L")).toBe(
      "0000111111222223333344441",
    );
    expect(normalizeRecoveryCode("O0000-00000-00000-00000-00000")).toBe("0".repeat(25));
  });

  it("refuse what cannot be one", () => {
    for (const bad of [
      "",
      "ABCDE-ABCDE",
      "UUUUU-UUUUU-UUUUU-UUUUU-UUUUU",
      "ABCDE-ABCDE-ABCDE-ABCDE-ABCDE-A",
    ]) {
      expect(normalizeRecoveryCode(bad), bad).toBeNull();
    }
  });

  it("are stored as SHA-256 of the normalised code, so any typing of it finds the same row", () => {
    const [code] = newRecoveryCodes() as [string];
    const typed = normalizeRecoveryCode(code.toLowerCase()) as string;
    expect(recoveryCodeHash(typed)).toBe(recoveryCodeHash(normalizeRecoveryCode(code) as string));
    expect(recoveryCodeHash(typed)).toMatch(/^[0-9a-f]{64}$/);
  });
});

function parseOtpauthUrl(url: string): TOTP {
  const totp = new URL(url);
  const params = totp.searchParams;
  return new TOTP({
    issuer: params.get("issuer") ?? "",
    label: decodeURIComponent(totp.pathname.split(":").at(-1) ?? ""),
    algorithm: params.get("algorithm") ?? "",
    digits: Number(params.get("digits")),
    period: Number(params.get("period")),
    secret: Secret.fromBase32(params.get("secret") ?? ""),
  });
}

/** The SVG's 1×1 rects as an RGBA bitmap, 4 pixels a module, for the decoder. */
function rasterize(svg: string) {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const scale = 4;
  const width = size * scale;
  const data = new Uint8Array(width * width * 4).fill(255);
  // qrSvg draws each run of dark modules in a row as `M{x} {y}h{length}v1h-{length}z`.
  for (const [, x, y, length] of svg.matchAll(/M(\d+) (\d+)h(\d+)v1/g)) {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < Number(length) * scale; dx++) {
        const at = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        data.fill(0, at, at + 3);
      }
    }
  }
  return { width, height: width, data };
}
