import { describe, expect, it } from 'vitest';
import { EXTENDED_FEATURE_NAMES, FEATURE_NAMES, FeatureEngine } from '../../modules/lib/indicators/FeatureEngine.ts';
import { hostileWalk, maxDeviation, sp500Bars } from '../reference/featureSeries.ts';
import { referenceFeatures, type RefBar } from '../reference/indicatorsReference.ts';

const TOLERANCE = 1e-9;

/** Feeds the engine bar by bar and compares every bar's values with the reference's; returns the worst deviation. */
function compareWithReference(bars: RefBar[], extended: boolean): { dev: number; key: string; bar: number } {
  const ref = referenceFeatures(bars, { extended });
  const engine = new FeatureEngine({ extended });
  let worst = { dev: 0, key: '', bar: -1 };
  for (let t = 0; t < bars.length; t++) {
    engine.update(bars[t]!);
    const d = maxDeviation(engine.values(), ref[t]!);
    if (!(d.dev <= worst.dev)) worst = { ...d, bar: t };
  }
  return worst;
}

const series: [string, RefBar[]][] = [
  ['the first 2,000 S&P 500 daily bars', sp500Bars(2000)],
  ['a seeded random walk with gaps, single-print bars, a halt and a level jump', hostileWalk(3000, 7)],
];

describe('FeatureEngine against the independent full-recomputation reference', () => {
  it.each(series)('agrees on every feature of every bar of %s to 1e-9', (_, bars) => {
    for (const extended of [false, true]) {
      const worst = compareWithReference(bars, extended);
      expect(worst.dev, `worst ${worst.key} at bar ${worst.bar} (extended ${extended})`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('produces every documented feature once warmed up, and nothing else', () => {
    const bars = sp500Bars(100);
    const v1 = new FeatureEngine();
    const ext = new FeatureEngine({ extended: true });
    for (const b of bars) {
      v1.update(b);
      ext.update(b);
    }
    expect(Object.keys(v1.values()).sort()).toEqual([...FEATURE_NAMES].sort());
    expect(Object.keys(ext.values()).sort()).toEqual([...FEATURE_NAMES, ...EXTENDED_FEATURE_NAMES].sort());
    expect(FEATURE_NAMES.length).toBeGreaterThanOrEqual(30);
  });

  it('writes into the given object under the given prefix', () => {
    const engine = new FeatureEngine();
    for (const b of sp500Bars(40)) engine.update(b);
    const out: Record<string, number> = { other: 1 };
    expect(engine.values(out, '5m.')).toBe(out);
    expect(out.other).toBe(1);
    expect(out['5m.rsi14']).toBe(engine.values().rsi14);
    expect(Object.keys(out).filter((k) => k !== 'other').every((k) => k.startsWith('5m.'))).toBe(true);
    expect(engine.count).toBe(40);
  });
});

describe('FeatureEngine state', () => {
  const bars = hostileWalk(1200, 11);

  it.each([false, true])('continues after toState/fromState (through JSON) exactly as if never interrupted (extended %s)', (extended) => {
    for (const cut of [1, 17, 400, 700]) {
      const straight = new FeatureEngine({ extended });
      const first = new FeatureEngine({ extended });
      for (const b of bars.slice(0, cut)) {
        straight.update(b);
        first.update(b);
      }
      const resumed = FeatureEngine.fromState(JSON.parse(JSON.stringify(structuredClone(first.toState()))));
      expect(resumed.count).toBe(cut);
      for (const b of bars.slice(cut)) {
        straight.update(b);
        resumed.update(b);
        expect(resumed.values()).toEqual(straight.values());
      }
    }
  });

  it('upgrades a v1 state: v1 values continue unchanged, the extended ones warm up from the upgrade', () => {
    const cut = 500;
    const v1 = new FeatureEngine();
    for (const b of bars.slice(0, cut)) v1.update(b);
    const upgraded = FeatureEngine.fromState(v1.toState(), { extended: true });
    const fresh = new FeatureEngine({ extended: true });
    const selfContained = EXTENDED_FEATURE_NAMES.filter((n) => n !== 'rvolRatio5_20');
    for (const b of bars.slice(cut)) {
      v1.update(b);
      upgraded.update(b);
      fresh.update(b);
      const up = upgraded.values();
      const freshValues = fresh.values();
      for (const name of FEATURE_NAMES) expect(up[name]).toBe(v1.values()[name]);
      for (const name of selfContained) expect(up[name]).toBe(freshValues[name]);
    }
    expect(Object.keys(upgraded.values())).toHaveLength(FEATURE_NAMES.length + EXTENDED_FEATURE_NAMES.length);
  });

  it('refuses a malformed state instead of computing NaN later', () => {
    const engine = new FeatureEngine();
    for (const b of bars.slice(0, 50)) engine.update(b);
    const good = engine.toState() as Record<string, unknown>;
    expect(() => FeatureEngine.fromState({ ...good, kind: 'other' })).toThrow(/not a helios.FeatureEngine/);
    expect(() => FeatureEngine.fromState({ ...good, close20: { ...(good.close20 as object), s1: null } })).toThrow(/close20.s1/);
    const ring = (good.closes as { buf: number[] }).buf;
    expect(() => FeatureEngine.fromState({ ...good, closes: { ...(good.closes as object), buf: ring.slice(1) } })).toThrow(/closes.buf/);
  });
});
