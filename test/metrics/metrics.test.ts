import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/metrics/metrics.js";
import { sampleValue } from "./support.js";

describe("createMetrics", () => {
  it("exposes every Latchkey metric and the process defaults, in the Prometheus text format", async () => {
    const metrics = createMetrics();
    const text = await metrics.render();

    for (const name of [
      "http_requests_total",
      "http_request_duration_seconds",
      "latchkey_logins_total",
      "latchkey_password_hash_duration_seconds",
      "latchkey_mail_total",
      "latchkey_rate_limited_total",
      "latchkey_refresh_reuse_total",
      "latchkey_event_loop_lag_seconds",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(metrics.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("starts every labelled series at 0, so rate() sees them before the first event", async () => {
    const metrics = createMetrics();

    expect(await sampleValue(metrics, 'latchkey_logins_total{outcome="lockout"}')).toBe(0);
    expect(await sampleValue(metrics, 'latchkey_mail_total{result="failed"}')).toBe(0);
    expect(await sampleValue(metrics, 'latchkey_rate_limited_total{action="forgot"}')).toBe(0);
    expect(await sampleValue(metrics, "latchkey_refresh_reuse_total")).toBe(0);
    expect(
      await sampleValue(metrics, 'latchkey_password_hash_duration_seconds_count{op="hash"}'),
    ).toBe(0);
  });

  it("keeps instances apart: two apps in one process neither collide nor share counts", async () => {
    const first = createMetrics();
    const second = createMetrics();

    first.countLogin("success");
    first.countRefreshReuse();

    expect(await sampleValue(first, 'latchkey_logins_total{outcome="success"}')).toBe(1);
    expect(await sampleValue(second, 'latchkey_logins_total{outcome="success"}')).toBe(0);
    expect(await sampleValue(second, "latchkey_refresh_reuse_total")).toBe(0);
    expect(first.registry).not.toBe(second.registry);
  });

  it("records requests under method, route pattern and status", async () => {
    const metrics = createMetrics();

    metrics.observeRequest("GET", "/admin/users/:id", 200, 0.003);
    metrics.observeRequest("GET", "/admin/users/:id", 200, 0.2);

    const series = 'method="GET",route="/admin/users/:id",status="200"';
    expect(await sampleValue(metrics, `http_requests_total{${series}}`)).toBe(2);
    expect(await sampleValue(metrics, `http_request_duration_seconds_count{${series}}`)).toBe(2);
    expect(
      await sampleValue(metrics, `http_request_duration_seconds_bucket{le="0.005",${series}}`),
    ).toBe(1);
  });

  it("reports event-loop lag beyond the sampling interval, and starts over at each scrape", async () => {
    const metrics = createMetrics();
    await sleep(30);
    blockFor(80);
    // Let the monitor's timer fire and record the late tick.
    await sleep(30);

    const lag = await sampleValue(metrics, "latchkey_event_loop_lag_seconds");
    const next = await sampleValue(metrics, "latchkey_event_loop_lag_seconds");

    expect(lag).toBeGreaterThan(0.03);
    expect(lag).toBeLessThan(5);
    expect(next).toBeGreaterThanOrEqual(0);
    expect(next).toBeLessThan(lag!);
  });
});

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy on purpose: this is the lag being measured.
  }
}
