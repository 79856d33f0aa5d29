import { describe, expect, it } from 'vitest';
import { garchFilter, initialVariance } from '../../modules/lib/risk/garch.ts';
import { GarchTracker } from '../../modules/lib/risk/GarchTracker.ts';
import { simulateGarch } from './simulateGarch.ts';

const truth = { mu: 0, omega: 1e-7, alpha: 0.08, beta: 0.9 };
const series = simulateGarch(truth, 1600, 11);
const opts = { window: 1000, refitEvery: 250, minFit: 250, ewmaLambda: 0.94, ewmaSeed: 20 };

describe('GarchTracker', () => {
  it('answers with a seeded EWMA until it has enough returns to fit', () => {
    const t = new GarchTracker(opts);
    expect(t.variance()).toBeNull();
    expect(t.source).toBe('none');
    let ewma = 0;
    for (let i = 0; i < 249; i++) {
      const r = series[i]!;
      t.update(r);
      ewma = i < 20 ? ewma + (r * r - ewma) / (i + 1) : 0.94 * ewma + 0.06 * r * r;
    }
    expect(t.source).toBe('ewma');
    expect(t.fits).toBe(0);
    expect(t.variance()).toBeCloseTo(ewma, 18);
    expect(t.variance()! / ewma).toBeCloseTo(1, 12);
  });

  it('refits every refitEvery returns on the last window returns', () => {
    const t = new GarchTracker(opts);
    const fitsAt: number[] = [];
    for (let i = 0; i < series.length; i++) {
      const before = t.fits;
      t.update(series[i]!);
      if (t.fits > before) fitsAt.push(i + 1);
    }
    expect(fitsAt).toEqual([250, 500, 750, 1000, 1250, 1500]);
    expect(t.window()).toEqual(series.slice(600));
    expect(t.source).toBe('garch');
    const p = t.params!;
    expect(p.alpha + p.beta).toBeLessThan(1);
  });

  it('advances the fitted model incrementally exactly as a batch recursion would', () => {
    const t = new GarchTracker(opts);
    for (let i = 0; i < 1250; i++) t.update(series[i]!);
    const p = t.params!;
    const fitWindow = series.slice(250, 1250);
    const h0 = initialVariance(fitWindow, p.mu);
    for (let i = 1250; i < 1499; i++) {
      t.update(series[i]!);
      const batch = garchFilter(series.slice(250, i + 1), p, h0);
      expect(t.variance()! / batch[batch.length - 1]!).toBeCloseTo(1, 12);
    }
    expect(t.fits).toBe(5);
  });

  it('continues identically after toState / JSON / fromState, across refits', () => {
    const a = new GarchTracker(opts);
    for (let i = 0; i < 700; i++) a.update(series[i]!);
    const b = GarchTracker.fromState(JSON.parse(JSON.stringify(a.toState())), opts);
    expect(b.variance()).toBe(a.variance());
    for (let i = 700; i < 1100; i++) {
      a.update(series[i]!);
      b.update(series[i]!);
      expect(b.variance()).toBe(a.variance());
    }
    expect(b.params).toEqual(a.params);
    expect(b.fits).toBe(a.fits);
  });

  it('falls back to the EWMA when a refit fails, and recovers at the next good one', () => {
    const t = new GarchTracker({ ...opts, window: 300, minFit: 300, refitEvery: 300 });
    for (let i = 0; i < 300; i++) t.update(series[i]!);
    expect(t.source).toBe('garch');
    // 300 identical returns cannot be fitted.
    for (let i = 0; i < 300; i++) t.update(0.001);
    expect(t.failedFits).toBe(1);
    expect(t.source).toBe('ewma');
    expect(t.variance()).toBeCloseTo(1e-6, 12);
    for (let i = 0; i < 300; i++) t.update(series[300 + i]!);
    expect(t.source).toBe('garch');
  });

  it('defers a due refit while fitting is not allowed', () => {
    const t = new GarchTracker(opts);
    for (let i = 0; i < 260; i++) t.update(series[i]!, false);
    expect(t.fits).toBe(0);
    expect(t.refitDue).toBe(true);
    t.update(series[260]!, true);
    expect(t.fits).toBe(1);
    expect(t.refitDue).toBe(false);
  });

  it('forecasts the GARCH term structure once fitted', () => {
    const t = new GarchTracker(opts);
    for (let i = 0; i < 600; i++) t.update(series[i]!);
    const p = t.params!;
    const f = t.forecast(3);
    expect(f[0]).toBe(t.variance());
    expect(f[1]).toBeCloseTo(p.omega + (p.alpha + p.beta) * f[0]!, 18);
  });

  it('rejects options that cannot work', () => {
    expect(() => new GarchTracker({ ...opts, minFit: 2000 })).toThrow(RangeError);
    expect(() => new GarchTracker({ ...opts, ewmaLambda: 1 })).toThrow(RangeError);
  });
});
