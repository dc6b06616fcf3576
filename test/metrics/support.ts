import type { Metrics } from "../../src/metrics/metrics.js";

/**
 * The value of one series in the exposition text, e.g. `latchkey_logins_total{outcome="success"}`;
 * undefined when absent. Reading the text tests what Prometheus would read.
 */
export async function sampleValue(metrics: Metrics, series: string): Promise<number | undefined> {
  const text = await metrics.render();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
