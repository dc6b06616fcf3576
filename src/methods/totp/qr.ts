import { encodeQR } from "@paulmillr/qr";

/**
 * The otpauth:// URL as an inline SVG QR code, for the enrolment answer and the account
 * page: no image request, nothing for a CSP to allow. Medium error correction (15 %), the
 * usual choice for a code scanned off a screen.
 */
export function qrSvg(text: string): string {
  return encodeQR(text, "svg", { ecc: "medium", border: 2 });
}
