import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LATENCY_BINS, latencyBin, latencyBinUpperMs } from '../../src/breaker/LatencyBins.ts';
import { Counter, RollingWindow } from '../../src/breaker/RollingWindow.ts';

describe('RollingWindow', () => {
  it('keeps events for the length of the window, then lets them go bucket by bucket', () => {
    const w = new RollingWindow(1_000, 10);
    w.add(Counter.failure, 0);
    w.add(Counter.success, 450);
    expect(w.totals(999)).toMatchObject({ failures: 1, successes: 1 });
    expect(w.count(Counter.failure, 1_000)).toBe(0); // its bucket [0, 100) left the window
    expect(w.count(Counter.success, 1_399)).toBe(1);
    expect(w.count(Counter.success, 1_400)).toBe(0);
  });

  it('forgets everything after an idle gap longer than the window', () => {
    const w = new RollingWindow(1_000, 10);
    for (let i = 0; i < 100; i++) w.add(Counter.timeout, i * 10);
    w.addLatency(5, 990);
    expect(w.count(Counter.timeout, 5_000_000)).toBe(0);
    expect(w.latencyPercentile(0.5, 5_000_000)).toBeNull();
  });

  it('keeps counting into the current bucket when the clock steps back', () => {
    const w = new RollingWindow(1_000, 10);
    w.add(Counter.success, 500);
    w.add(Counter.success, 100);
    expect(w.count(Counter.success, 500)).toBe(2);
  });

  it('clear() empties counters and latencies', () => {
    const w = new RollingWindow(1_000, 10);
    w.add(Counter.rejected, 0);
    w.addLatency(3, 0);
    w.clear();
    expect(w.totals(0)).toEqual({ successes: 0, failures: 0, timeouts: 0, excluded: 0, rejections: 0, saturated: 0 });
    expect(w.latencyPercentile(0.99, 0)).toBeNull();
  });

  it('its running totals always equal a recount of the events still in the window', () => {
    const bucketMs = 100;
    const event = fc.record({ dt: fc.integer({ min: 0, max: 400 }), counter: fc.constantFrom(...Object.values(Counter)) });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), (events) => {
        const w = new RollingWindow(10 * bucketMs, 10);
        const log: { t: number; counter: number }[] = [];
        let t = 0;
        for (const e of events) {
          t += e.dt;
          w.add(e.counter, t);
          log.push({ t, counter: e.counter });
          // An event is in the window while its bucket is one of the last ten.
          const inWindow = log.filter((x) => Math.floor(x.t / bucketMs) > Math.floor(t / bucketMs) - 10);
          for (const c of Object.values(Counter)) {
            if (w.count(c, t) !== inWindow.filter((x) => x.counter === c).length) return false;
          }
        }
        return true;
      }),
    );
  });
});

describe('latency bins', () => {
  it('are monotonic and report at most about 19 % above the true value', () => {
    let last = 0;
    for (let ms = 0.06; ms < 200_000; ms *= 1.07) {
      const bin = latencyBin(ms);
      expect(bin).toBeGreaterThanOrEqual(last);
      last = bin;
      expect(latencyBinUpperMs(bin)).toBeGreaterThanOrEqual(ms * 0.999);
      expect(latencyBinUpperMs(bin)).toBeLessThanOrEqual(ms * 1.2);
    }
  });

  it('clamp out-of-range and invalid latencies', () => {
    expect(latencyBin(0)).toBe(0);
    expect(latencyBin(-3)).toBe(0);
    expect(latencyBin(Number.NaN)).toBe(0);
    expect(latencyBin(1e9)).toBe(LATENCY_BINS - 1);
  });
});
