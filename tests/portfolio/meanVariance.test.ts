import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spdInverse } from '../../modules/lib/portfolio/cholesky.ts';
import { meanVariance, type MeanVarianceProblem } from '../../modules/lib/portfolio/meanVariance.ts';
import { matVec } from '../../modules/lib/portfolio/matrix.ts';
import { covariance, uniform, vector } from './arbitraries.ts';

const runs = { seed: 424242, numRuns: 150 };

const problem: fc.Arbitrary<MeanVarianceProblem> = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    mu: vector(n, -0.002, 0.006),
    sigma: covariance(n),
    riskAversion: uniform(0.5, 50),
    maxWeight: uniform(0.05, 1),
    maxGross: uniform(0.1, 2),
  }),
);

function objective(p: MeanVarianceProblem, w: readonly number[]): number {
  const sw = matVec(p.sigma, w);
  return w.reduce((s, wi, i) => s + wi * p.mu[i]! - (p.riskAversion / 2) * wi * sw[i]!, 0);
}

/**
 * KKT for max w'mu - (l/2) w'Sw, 0 <= w <= u, sum w <= g, checked from the
 * outside: with r = mu - l S w, there must be one nu >= 0 (0 unless the budget
 * binds) with r_i = nu where 0 < w_i < u, r_i <= nu where w_i = 0 and
 * r_i >= nu where w_i = u.
 */
function kktViolation(p: MeanVarianceProblem, w: readonly number[]): number {
  const sw = matVec(p.sigma, w);
  const r = p.mu.map((m, i) => m - p.riskAversion * sw[i]!);
  const scale = Math.max(1e-6, ...p.mu.map(Math.abs));
  const tol = 1e-9 * scale;
  const sum = w.reduce((s, v) => s + v, 0);
  let lo = 0;
  let hi = sum < p.maxGross - 1e-9 ? 0 : Infinity;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]!;
    if (wi <= 1e-12) lo = Math.max(lo, r[i]!);
    else if (wi >= p.maxWeight - 1e-12) hi = Math.min(hi, r[i]!);
    else {
      lo = Math.max(lo, r[i]!);
      hi = Math.min(hi, r[i]!);
    }
  }
  return Math.max(0, (lo - hi) / scale - tol / scale);
}

describe('long-only mean-variance (active set)', () => {
  it('returns feasible weights that satisfy the KKT conditions on random problems', () => {
    fc.assert(
      fc.property(problem, (p) => {
        const s = meanVariance(p);
        expect(s.converged).toBe(true);
        const sum = s.weights.reduce((a, b) => a + b, 0);
        for (const w of s.weights) {
          expect(w).toBeGreaterThanOrEqual(0);
          expect(w).toBeLessThanOrEqual(p.maxWeight);
        }
        expect(sum).toBeLessThanOrEqual(p.maxGross + 1e-12);
        expect(kktViolation(p, s.weights)).toBeLessThan(1e-6);
      }),
      runs,
    );
  });

  it('is not beaten by any nearby feasible point', () => {
    fc.assert(
      fc.property(problem, vector(12, -0.05, 0.05), (p, d) => {
        const w = meanVariance(p).weights;
        const v = w.map((wi, i) => Math.min(p.maxWeight, Math.max(0, wi + d[i]!)));
        const sum = v.reduce((a, b) => a + b, 0);
        const feasible = sum > p.maxGross ? v.map((x) => (x * p.maxGross) / sum) : v;
        expect(objective(p, feasible)).toBeLessThanOrEqual(objective(p, w) + 1e-15);
      }),
      runs,
    );
  });

  it('equals the closed form Sigma^-1 mu / lambda when no constraint binds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((n) => fc.tuple(covariance(n), vector(n, 0.5, 1))),
        ([sigma, dir]) => {
          // Choose w* > 0 first, then mu = lambda Sigma w*: the unconstrained optimum is w* by construction.
          const lambda = 3;
          const wStar = dir.map((d) => d / (dir.length * 2));
          const mu = matVec(sigma, wStar).map((v) => v * lambda);
          const closed = matVec(spdInverse(sigma)!, mu).map((v) => v / lambda);
          const s = meanVariance({ mu, sigma, riskAversion: lambda, maxWeight: 1, maxGross: 1 });
          expect(s.budgetMultiplier).toBe(0);
          for (let i = 0; i < mu.length; i++) {
            expect(s.weights[i]).toBeCloseTo(closed[i]!, 9);
            expect(s.weights[i]).toBeCloseTo(wStar[i]!, 9);
          }
        },
      ),
      runs,
    );
  });

  it('solves a binding budget exactly: two uncorrelated assets split by their return difference', () => {
    // mu = [0.02, 0.01], Sigma = 0.01 I, lambda = 1, sum w <= 1: unconstrained [2, 1];
    // on the budget w1 - w2 = (0.02 - 0.01) / 0.01 = 1 and w1 + w2 = 1, so w = [1, 0].
    const s = meanVariance({ mu: [0.02, 0.01], sigma: [[0.01, 0], [0, 0.01]], riskAversion: 1, maxWeight: 1, maxGross: 1 });
    expect(s.weights[0]).toBeCloseTo(1, 12);
    expect(s.weights[1]).toBeCloseTo(0, 12);
    // with a 0.8 cap: w1 = 0.8, w2 = 0.2 and nu = 0.01 - 0.01 * 0.2 = 0.008.
    const c = meanVariance({ mu: [0.02, 0.01], sigma: [[0.01, 0], [0, 0.01]], riskAversion: 1, maxWeight: 0.8, maxGross: 1 });
    expect(c.weights[0]).toBeCloseTo(0.8, 12);
    expect(c.weights[1]).toBeCloseTo(0.2, 12);
    expect(c.budgetMultiplier).toBeCloseTo(0.008, 12);
  });

  it('never shorts: negative expected returns get zero weight', () => {
    const s = meanVariance({ mu: [-0.01, -0.002], sigma: [[0.01, 0.002], [0.002, 0.02]], riskAversion: 2, maxWeight: 1, maxGross: 1 });
    expect(s.weights).toEqual([0, 0]);
  });

  it('is deterministic and optimal at n = 64 (its cost is measured in npm run bench, suite modules)', () => {
    const [p] = fc.sample(
      fc.record({ mu: vector(64, -0.003, 0.004), sigma: covariance(64), riskAversion: fc.constant(2.5), maxWeight: fc.constant(0.1), maxGross: fc.constant(1) }),
      { seed: 9, numRuns: 1 },
    );
    const a = meanVariance(p!);
    expect(meanVariance(p!)).toEqual(a);
    expect(kktViolation(p!, a.weights)).toBeLessThan(1e-6);
  });
});
