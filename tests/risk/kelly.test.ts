import { describe, expect, it } from 'vitest';
import { fractionalKelly, kellyFraction } from '../../modules/lib/risk/kelly.ts';

describe('Kelly', () => {
  it('f* = p - (1 - p) / b', () => {
    expect(kellyFraction(0.6, 1)).toBeCloseTo(0.2, 12);
    expect(kellyFraction(0.5, 2)).toBeCloseTo(0.25, 12);
    expect(kellyFraction(0.4, 1)).toBeCloseTo(-0.2, 12);
  });

  it('takes a fraction of f*, never below 0 and never above the cap', () => {
    expect(fractionalKelly(0.6, 1, 0.25, 0.2)).toBeCloseTo(0.05, 12);
    expect(fractionalKelly(0.4, 1, 0.25, 0.2)).toBe(0);
    expect(fractionalKelly(0.99, 1, 1, 0.2)).toBe(0.2);
  });

  it('rejects inputs that are not a bet', () => {
    expect(() => kellyFraction(1.2, 1)).toThrow(RangeError);
    expect(() => kellyFraction(0.6, 0)).toThrow(RangeError);
  });
});
