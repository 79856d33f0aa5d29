import fc from 'fast-check';
import type { Matrix } from '../../modules/lib/portfolio/matrix.ts';

/**
 * Evenly spread over [min, max] on a grid of a million steps. fc.double leans
 * towards tiny magnitudes (1e-300 and below), which would make most random
 * portfolios trivially all-zero; these problems need realistic sizes.
 */
export function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 1_000_000 }).map((k) => min + ((max - min) * k) / 1_000_000);
}

/** n x n with entries in [-1, 1]. */
export function squareMatrix(n: number): fc.Arbitrary<Matrix> {
  return fc.array(fc.array(uniform(-1, 1), { minLength: n, maxLength: n }), { minLength: n, maxLength: n });
}

/** B B' + eps I: symmetric positive definite, with a condition number the eps keeps bounded. */
export function spd(n: number, eps = 0.1): fc.Arbitrary<Matrix> {
  return squareMatrix(n).map((b) => b.map((_, i) => b.map((_, j) => b[i]!.reduce((s, v, k) => s + v * b[j]![k]!, 0) + (i === j ? eps : 0))));
}

/** A covariance of per-period returns: vols 0.5%..3%, correlations from a random factor structure. */
export function covariance(n: number): fc.Arbitrary<Matrix> {
  return fc.tuple(spd(n, 0.2), fc.array(uniform(0.005, 0.03), { minLength: n, maxLength: n })).map(([a, vol]) =>
    a.map((row, i) => row.map((v, j) => (v / Math.sqrt(a[i]![i]! * a[j]![j]!)) * vol[i]! * vol[j]!)),
  );
}

export function vector(n: number, min = -1, max = 1): fc.Arbitrary<number[]> {
  return fc.array(uniform(min, max), { minLength: n, maxLength: n });
}

export function maxAbs(xs: readonly number[]): number {
  return xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}
