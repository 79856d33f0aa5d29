import { describe, expect, it } from 'vitest';
import { outsideBand } from '../../modules/lib/portfolio/bands.ts';
import { applyLimits } from '../../modules/lib/portfolio/limits.ts';

const band = { relative: 0.1, minNotional: 100 };

describe('rebalancing band', () => {
  it('suppresses changes within 10% of the position or below the minimum notional', () => {
    expect(outsideBand(100, 109, 10, band)).toBe(false);
    expect(outsideBand(100, 110, 10, band)).toBe(false);
    expect(outsideBand(100, 111, 10, band)).toBe(true);
    expect(outsideBand(100, 89, 10, band)).toBe(true);
    // 20% but only 20 x 1 = 20 of notional
    expect(outsideBand(100, 120, 1, band)).toBe(false);
    expect(outsideBand(100, 100, 10, band)).toBe(false);
  });

  it('always lets a close or a flip through, and opens only above the minimum notional', () => {
    expect(outsideBand(3, 0, 1, band)).toBe(true);
    expect(outsideBand(100, -1, 1, band)).toBe(true);
    expect(outsideBand(0, 5, 10, band)).toBe(false);
    expect(outsideBand(0, 10, 10, band)).toBe(true);
  });
});

describe('exposure limits', () => {
  const syms = ['A', 'B', 'C'];
  const prices = new Map([['A', 100], ['B', 50], ['C', 3]]);

  it('clips each symbol to its notional cap, towards zero, keeping the sign', () => {
    const r = applyLimits(syms, new Map([['A', 150], ['B', -300], ['C', 7]]), prices, { maxNotionalPerSymbol: 10_000, maxGrossNotional: 1e9 });
    expect(r.get('A')).toEqual({ quantity: 100, clip: 'symbol' });
    expect(r.get('B')).toEqual({ quantity: -200, clip: 'symbol' });
    expect(r.get('C')).toEqual({ quantity: 7, clip: null });
  });

  it('scales the whole book to the gross cap and never exceeds it', () => {
    const targets = new Map([['A', 100], ['B', -200], ['C', 1001]]);
    const r = applyLimits(syms, targets, prices, { maxNotionalPerSymbol: 1e9, maxGrossNotional: 10_000 });
    // gross 10000 + 10000 + 3003 = 23003, k = 0.4347...
    expect(r.get('A')).toEqual({ quantity: 43, clip: 'gross' });
    expect(r.get('B')).toEqual({ quantity: -86, clip: 'gross' });
    expect(r.get('C')).toEqual({ quantity: 435, clip: 'gross' });
    const gross = syms.reduce((s, k) => s + Math.abs(r.get(k)!.quantity) * prices.get(k)!, 0);
    expect(gross).toBeLessThanOrEqual(10_000);
  });

  it('leaves a book within its limits untouched, and never yields -0', () => {
    const r = applyLimits(['A'], new Map([['A', -1]]), prices, { maxNotionalPerSymbol: 50, maxGrossNotional: 1e9 });
    expect(Object.is(r.get('A')!.quantity, 0)).toBe(true);
    expect(applyLimits(['B'], new Map([['B', -3]]), prices, { maxNotionalPerSymbol: 1e9, maxGrossNotional: 1e9 }).get('B')).toEqual({ quantity: -3, clip: null });
  });
});
