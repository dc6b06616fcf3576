import type { Config } from "../config/config.js";

/** What the pages show of the product: BRAND_NAME, BRAND_COLOR, BRAND_LOGO_URL. */
export interface Brand {
  name: string;
  color: string;
  logoUrl: string | undefined;
}

export function brandOf(config: Config): Brand {
  return { name: config.brandName, color: config.brandColor, logoUrl: config.brandLogoUrl };
}

type Rgb = readonly [number, number, number];

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 17, 17];
// WCAG 2.2 SC 1.4.3: normal text needs 4.5:1 against its background.
const TEXT_CONTRAST = 4.5;

function parseHex(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

/** WCAG 2.2 relative luminance. */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function mix(a: Rgb, b: Rgb, share: number): Rgb {
  return [0, 1, 2].map((i) => a[i]! * (1 - share) + b[i]! * share) as unknown as Rgb;
}

/**
 * The CSS variables of a brand colour. Any colour an operator picks stays readable: the
 * button label is white or near-black, whichever contrasts more, and links and focus
 * rings use the colour darkened until it reaches 4.5:1 on white.
 */
export function brandVariables(color: string): Record<string, string> {
  const brand = parseHex(color);
  const ink = contrastRatio(brand, WHITE) >= contrastRatio(brand, INK) ? WHITE : INK;
  let text = brand;
  for (let share = 0.05; contrastRatio(text, WHITE) < TEXT_CONTRAST && share <= 1; share += 0.05) {
    text = mix(brand, [0, 0, 0], share);
  }
  return {
    "--brand": toHex(brand),
    "--brand-ink": toHex(ink),
    "--brand-strong": toHex(mix(brand, [0, 0, 0], 0.15)),
    "--brand-text": toHex(text),
    "--brand-soft": toHex(mix(brand, WHITE, 0.88)),
  };
}
