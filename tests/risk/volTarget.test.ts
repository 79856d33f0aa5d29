import { describe, expect, it } from 'vitest';
import { periodTargetVol, volTargetNotional } from '../../modules/lib/risk/volTarget.ts';

describe('volatility targeting', () => {
  it('scales an annual target by the square root of periods a year', () => {
    expect(periodTargetVol(0.16, 256)).toBeCloseTo(0.01, 12);
  });

  it('holds the notional whose per-period volatility is the target', () => {
    // 16% a year over 256 days = 1% a day; an asset moving 2% a day gets half the equity.
    expect(volTargetNotional(100_000, 0.16, 256, 0.02)).toBeCloseTo(50_000, 6);
    // A flat price is floored, not divided by zero.
    expect(volTargetNotional(100_000, 0.16, 256, 0, 1e-4)).toBeCloseTo(10_000_000, 3);
  });
});
