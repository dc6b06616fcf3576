/** Seconds per unit suffix; a bare number is already seconds. */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

// ASCII digits and one lower-case unit, nothing else: no sign, no decimals, no spaces,
// and no `M`/`w`/`y`, whose meaning (minutes or months? calendar weeks?) is open to doubt.
const DURATION = /^([0-9]+)(s|m|h|d)?$/;

/**
 * Parses `90s`, `15m`, `24h`, `30d` or plain seconds (`3600`) into seconds.
 * Returns undefined for anything malformed. Zero parses to 0: whether it is allowed
 * depends on the setting, so the caller checks the range.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const seconds = amount * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
  // Beyond 2^53 the number is no longer exact; no TTL needs that, so it is a typo.
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}
