import { describe, expect, it } from 'vitest';
import { cholesky } from '../../modules/lib/portfolio/cholesky.ts';
import { ledoitWolfConstantCorrelation } from '../../modules/lib/portfolio/covariance.ts';
import { seededRandom } from '../../src/util/seededRandom.ts';

/**
 * T returns of n instruments driven by one common factor with vol sigma. With
 * `spread` 0 every pair has correlation rho (the target is the truth); with a
 * spread the loadings differ, so correlations differ and the target is wrong.
 */
function factorReturns(n: number, t: number, rho: number, sigma: number, seed: number, spread = 0): number[][] {
  const rnd = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const out = Array.from({ length: n }, () => new Array<number>(t));
  for (let k = 0; k < t; k++) {
    const f = normal();
    for (let i = 0; i < n; i++) {
      const r = Math.min(0.95, Math.max(0, rho + spread * (i / Math.max(1, n - 1) - 0.5)));
      out[i]![k] = sigma * (Math.sqrt(r) * f + Math.sqrt(1 - r) * normal());
    }
  }
  return out;
}

/** Ledoit and Wolf's estimator written out term by term over every (i, j), as in their covCor.m. */
function directIntensity(series: number[][]): number {
  const n = series.length;
  const t = series[0]!.length;
  const x = series.map((s) => {
    const m = s.reduce((a, b) => a + b, 0) / t;
    return s.map((v) => v - m);
  });
  const S = x.map((xi) => x.map((xj) => xi.reduce((a, v, k) => a + v * xj[k]!, 0) / t));
  const sd = S.map((r, i) => Math.sqrt(r[i]!));
  let rbar = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) rbar += S[i]![j]! / (sd[i]! * sd[j]!);
  rbar /= n * (n - 1);
  let pi = 0;
  let rho = 0;
  let gamma = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const e = (k: number): number => x[i]![k]! * x[j]![k]! - S[i]![j]!;
      let p = 0;
      for (let k = 0; k < t; k++) p += e(k) ** 2;
      pi += p / t;
      if (i === j) {
        rho += p / t;
        continue;
      }
      let a = 0;
      let b = 0;
      for (let k = 0; k < t; k++) {
        a += (x[i]![k]! ** 2 - S[i]![i]!) * e(k);
        b += (x[j]![k]! ** 2 - S[j]![j]!) * e(k);
      }
      rho += (rbar / 2) * (Math.sqrt(S[j]![j]! / S[i]![i]!) * (a / t) + Math.sqrt(S[i]![i]! / S[j]![j]!) * (b / t));
      gamma += (rbar * sd[i]! * sd[j]! - S[i]![j]!) ** 2;
    }
  }
  return Math.max(0, Math.min(1, (pi - rho) / gamma / t));
}

describe('Ledoit-Wolf constant-correlation shrinkage', () => {
  it('matches the estimator written out term by term', () => {
    for (const [n, t, spread] of [[3, 10, 0.6], [8, 40, 0.8], [20, 15, 0.5], [6, 300, 0.9]] as const) {
      const r = factorReturns(n, t, 0.4, 0.01, n * t, spread);
      expect(ledoitWolfConstantCorrelation(r).shrinkage).toBeCloseTo(directIntensity(r), 12);
    }
  });

  it('keeps the sample variances on the diagonal and the intensity in [0, 1]', () => {
    const lw = ledoitWolfConstantCorrelation(factorReturns(6, 40, 0.3, 0.01, 1));
    expect(lw.shrinkage).toBeGreaterThan(0);
    expect(lw.shrinkage).toBeLessThanOrEqual(1);
    for (let i = 0; i < 6; i++) expect(lw.sigma[i]![i]).toBeCloseTo(lw.sample[i]![i]!, 15);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(lw.sigma[i]![j]).toBe(lw.sigma[j]![i]);
  });

  it('is the convex combination delta F + (1 - delta) S of a constant-correlation target', () => {
    const lw = ledoitWolfConstantCorrelation(factorReturns(4, 30, 0.5, 0.02, 2));
    const r = (i: number, j: number): number => lw.target[i]![j]! / Math.sqrt(lw.target[i]![i]! * lw.target[j]![j]!);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (i !== j) expect(r(i, j)).toBeCloseTo(r(0, 1), 12);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(lw.sigma[i]![j]).toBeCloseTo(lw.shrinkage * lw.target[i]![j]! + (1 - lw.shrinkage) * lw.sample[i]![j]!, 15);
  });

  it('makes a singular sample (fewer returns than instruments) positive definite', () => {
    const lw = ledoitWolfConstantCorrelation(factorReturns(20, 8, 0.4, 0.01, 3));
    expect(cholesky(lw.sample)).toBeNull();
    expect(cholesky(lw.sigma)).not.toBeNull();
  });

  it('shrinks hard when the target is right, and less and less with history when it is wrong', () => {
    // Equal correlations: the constant-correlation target is the truth, so it keeps most of the weight.
    expect(ledoitWolfConstantCorrelation(factorReturns(10, 2000, 0.3, 0.01, 4)).shrinkage).toBeGreaterThan(0.5);
    // Correlations from 0 to 0.8: the sample is the better estimate once there is enough of it.
    const short = ledoitWolfConstantCorrelation(factorReturns(10, 25, 0.4, 0.01, 4, 0.8)).shrinkage;
    const long = ledoitWolfConstantCorrelation(factorReturns(10, 2000, 0.4, 0.01, 4, 0.8)).shrinkage;
    expect(long).toBeLessThan(short);
    expect(long).toBeLessThan(0.1);
  });

  it('passes a single instrument through and refuses fewer than 2 returns', () => {
    const one = ledoitWolfConstantCorrelation([[0.01, -0.01, 0.02, 0]]);
    expect(one.shrinkage).toBe(0);
    expect(one.sigma[0]![0]).toBeCloseTo(0.000125, 15);
    expect(() => ledoitWolfConstantCorrelation([[0.01]])).toThrow(/at least 2/);
  });
});
