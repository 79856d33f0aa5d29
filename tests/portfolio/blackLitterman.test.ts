import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blackLitterman } from '../../modules/lib/portfolio/blackLitterman.ts';
import { spdInverse } from '../../modules/lib/portfolio/cholesky.ts';
import { matMul, matVec, transpose } from '../../modules/lib/portfolio/matrix.ts';
import { covariance, uniform, vector } from './arbitraries.ts';

const runs = { seed: 777, numRuns: 80 };
const SIGMA = [[0.04, 0.02], [0.02, 0.09]];

describe('Black-Litterman posterior', () => {
  it('matches a hand-computed two-asset example', () => {
    // pi = 2.5 Sigma [0.5, 0.5] = [0.075, 0.1375]. View: asset 1 returns 10%, Omega = tau P Sigma P' = 0.002.
    // tau Sigma P' = [0.002, 0.001], P tau Sigma P' + Omega = 0.004, Q - P pi = 0.025:
    // mu = pi + [0.002, 0.001] * 0.025 / 0.004 = [0.0875, 0.14375].
    // M = tau Sigma - [0.002, 0.001]'[0.002, 0.001] / 0.004 = [[0.001, 0.0005], [0.0005, 0.00425]].
    const post = blackLitterman({ sigma: SIGMA, marketWeights: [0.5, 0.5], delta: 2.5, tau: 0.05, p: [[1, 0]], q: [0.1], omega: [0.002] });
    expect(post.pi[0]).toBeCloseTo(0.075, 15);
    expect(post.pi[1]).toBeCloseTo(0.1375, 15);
    expect(post.mu[0]).toBeCloseTo(0.0875, 15);
    expect(post.mu[1]).toBeCloseTo(0.14375, 15);
    const m = [[0.001, 0.0005], [0.0005, 0.00425]];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(post.sigma[i]![j]).toBeCloseTo(SIGMA[i]![j]! + m[i]![j]!, 15);
  });

  it('with no views the posterior mean is the prior', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }).chain((n) => covariance(n)), (sigma) => {
        const w = sigma.map(() => 1 / sigma.length);
        const post = blackLitterman({ sigma, marketWeights: w, delta: 2.5, tau: 0.05, p: [], q: [], omega: [] });
        expect(post.mu).toEqual(post.pi);
        expect(post.pi).toEqual(matVec(sigma, w).map((v) => v * 2.5));
      }),
      runs,
    );
  });

  it('honours a 100%-confident view exactly (Omega = 0), moving the other assets through their covariance', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }).chain((n) => fc.tuple(covariance(n), fc.integer({ min: 0, max: n - 1 }), uniform(-0.01, 0.01))), ([sigma, k, q]) => {
        const n = sigma.length;
        const row = sigma.map((_, i) => (i === k ? 1 : 0));
        const post = blackLitterman({ sigma, marketWeights: sigma.map(() => 1 / n), delta: 2.5, tau: 0.05, p: [row], q: [q], omega: [0] });
        expect(post.mu[k]).toBeCloseTo(q, 14);
        // The others move by their regression on the viewed asset: Sigma_ik / Sigma_kk times the surprise.
        for (let i = 0; i < n; i++) expect(post.mu[i]).toBeCloseTo(post.pi[i]! + (sigma[i]![k]! / sigma[k]![k]!) * (q - post.pi[k]!), 12);
        // And the uncertainty about the viewed asset's mean is gone: its variance is back to Sigma_kk.
        expect(post.sigma[k]![k]).toBeCloseTo(sigma[k]![k]!, 14);
      }),
      runs,
    );
  });

  it('agrees with the original precision-weighted form when every view is uncertain', () => {
    // mu = [(tau S)^-1 + P' O^-1 P]^-1 [(tau S)^-1 pi + P' O^-1 Q]
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }).chain((n) => fc.tuple(covariance(n), fc.integer({ min: 1, max: n }).chain((k) => fc.tuple(vector(k * n, -1, 1), vector(k, -0.01, 0.01), vector(k, 0.1, 0.95))))),
        ([sigma, [pFlat, q, conf]]) => {
          const n = sigma.length;
          const k = q.length;
          const p = Array.from({ length: k }, (_, r) => pFlat.slice(r * n, (r + 1) * n));
          const tau = 0.05;
          const tsp = matMul(matMul(p, sigma), transpose(p));
          const omega = conf.map((c, r) => (tau * tsp[r]![r]! * (1 - c)) / c + 1e-12);
          const post = blackLitterman({ sigma, marketWeights: sigma.map(() => 1 / n), delta: 2.5, tau, p, q, omega });
          const tsInv = spdInverse(sigma.map((r) => r.map((v) => v * tau)))!;
          const ptOinv = transpose(p).map((row) => row.map((v, r) => v / omega[r]!));
          const prec = tsInv.map((row, i) => row.map((v, j) => v + ptOinv[i]!.reduce((s, x, r) => s + x * p[r]![j]!, 0)));
          const rhs = matVec(tsInv, post.pi).map((v, i) => v + ptOinv[i]!.reduce((s, x, r) => s + x * q[r]!, 0));
          const mu = matVec(spdInverse(prec)!, rhs);
          const scale = Math.max(...post.pi.map(Math.abs), ...q.map(Math.abs));
          for (let i = 0; i < n; i++) expect(Math.abs(post.mu[i]! - mu[i]!)).toBeLessThan(1e-6 * scale);
        },
      ),
      runs,
    );
  });

  it('pulls the posterior further towards a view the more confident it is', () => {
    const at = (omega: number): number => blackLitterman({ sigma: SIGMA, marketWeights: [0.5, 0.5], delta: 2.5, tau: 0.05, p: [[1, 0]], q: [0.1], omega: [omega] }).mu[0]!;
    expect(at(0.02)).toBeLessThan(at(0.002));
    expect(at(0.002)).toBeLessThan(at(0.0002));
    expect(at(0)).toBeCloseTo(0.1, 15);
  });
});
