import { describe, expect, it } from 'vitest';
import { limitCaps } from '../../modules/lib/risk/limits.ts';

describe('limit caps', () => {
  const limits = { maxPositionNotional: 25_000, maxGrossLeverage: 2, maxOrderNotional: 10_000 };

  it('gives leverage room net of the other symbols only', () => {
    // equity 100k, gross 190k of which 30k is this symbol: others 160k, room 200k - 160k = 40k.
    const caps = limitCaps(limits, { equity: 100_000, grossExposure: 190_000, positionNotional: 30_000, heldNotional: 30_000 }, 1);
    expect(caps).toEqual({ symbol: 25_000, leverage: 40_000, order: 40_000 });
  });

  it('lets one order grow a position by at most maxOrderNotional, counting an opposite holding against it', () => {
    const flat = { equity: 100_000, grossExposure: 0, positionNotional: 0, heldNotional: 0 };
    expect(limitCaps(limits, flat, 1).order).toBe(10_000);
    const long = { ...flat, grossExposure: 6_000, positionNotional: 6_000, heldNotional: 6_000 };
    expect(limitCaps(limits, long, 1).order).toBe(16_000);
    expect(limitCaps(limits, long, -1).order).toBe(4_000);
    expect(limitCaps(limits, { ...long, heldNotional: 12_000 }, -1).order).toBe(0);
  });
});
