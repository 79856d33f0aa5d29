import { describe, expect, it } from 'vitest';
import { fitGarch11, garchFilter, garchLogLikelihood, garchVarianceForecast, initialVariance } from '../../modules/lib/risk/garch.ts';
import { DEM2GBP_REFERENCE, loadDem2gbp } from './dem2gbp.ts';
import { simulateGarch } from './simulateGarch.ts';

const sig4 = (x: number): number => Number(x.toPrecision(4));

describe('fitGarch11', () => {
  const returns = loadDem2gbp();

  it('reproduces the published dem2gbp benchmark to 4 significant digits', () => {
    expect(returns).toHaveLength(1974);
    const fit = fitGarch11(returns, { standardErrors: true });
    expect(fit.converged).toBe(true);
    for (const k of ['mu', 'omega', 'alpha', 'beta'] as const) {
      expect(sig4(fit[k]), k).toBe(sig4(DEM2GBP_REFERENCE[k]));
      expect(Math.abs(fit[k] / DEM2GBP_REFERENCE[k] - 1), k).toBeLessThan(5e-4);
    }
    // fGarch prints LLH 1106.608 (it minimises -logL) for this series.
    expect(fit.logLikelihood).toBeCloseTo(-1106.608, 3);
    // fGarch's standard errors for the same fit: 0.008462, 0.002852, 0.02652, 0.03355.
    expect(fit.standardErrors!.mu).toBeCloseTo(0.008462, 4);
    expect(fit.standardErrors!.alpha).toBeCloseTo(0.02652, 3);
  });

  it('lands on a maximum: every small step away lowers the likelihood', () => {
    const fit = fitGarch11(returns);
    const ll = garchLogLikelihood(returns, fit);
    expect(ll).toBeCloseTo(fit.logLikelihood, 8);
    for (const k of ['mu', 'omega', 'alpha', 'beta'] as const) {
      for (const d of [1e-3, -1e-3]) expect(garchLogLikelihood(returns, { ...fit, [k]: fit[k] * (1 + d) })).toBeLessThan(ll);
    }
  });

  it('recovers the parameters of a simulated GARCH(1,1) series (n = 5,000)', () => {
    const truth = { mu: 0.0005, omega: 2e-6, alpha: 0.08, beta: 0.9 };
    const r = simulateGarch(truth, 5000, 7);
    const fit = fitGarch11(r);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.alpha - truth.alpha)).toBeLessThan(0.03);
    expect(Math.abs(fit.beta - truth.beta)).toBeLessThan(0.04);
    expect(fit.omega / truth.omega).toBeGreaterThan(0.5);
    expect(fit.omega / truth.omega).toBeLessThan(2);
    expect(Math.abs(fit.mu - truth.mu)).toBeLessThan(4e-4);
    // The MLE is at least as likely as the truth, which it only estimates.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(garchLogLikelihood(r, truth));
  });

  it('gives the same model for data in other units (scale equivariance)', () => {
    const a = fitGarch11(returns);
    const b = fitGarch11(returns.map((x) => x / 100));
    expect(b.alpha).toBeCloseTo(a.alpha, 5);
    expect(b.beta).toBeCloseTo(a.beta, 5);
    expect(b.omega * 1e4).toBeCloseTo(a.omega, 6);
    expect(b.logLikelihood).toBeCloseTo(a.logLikelihood + returns.length * Math.log(100), 5);
  });

  it('refuses samples that cannot identify a model', () => {
    expect(() => fitGarch11([0.1, -0.2, 0.3])).toThrow(RangeError);
    expect(() => fitGarch11(new Array<number>(100).fill(0.01))).toThrow(/variance/);
  });
});

describe('garchFilter and garchVarianceForecast', () => {
  const p = { mu: 0.1, omega: 0.2, alpha: 0.3, beta: 0.5 };

  it('starts from the mean squared residual and runs the recursion by hand', () => {
    const r = [1.1, -0.9, 0.1];
    // residuals 1, -1, 0: mean square 2/3.
    expect(initialVariance(r, p.mu)).toBeCloseTo(2 / 3, 12);
    const h1 = 0.2 + 0.8 * (2 / 3);
    const h2 = 0.2 + 0.3 * 1 + 0.5 * h1;
    const h3 = 0.2 + 0.3 * 1 + 0.5 * h2;
    const h4 = 0.2 + 0.3 * 0 + 0.5 * h3;
    expect([...garchFilter(r, p)].map((x) => x.toFixed(12))).toEqual([h1, h2, h3, h4].map((x) => x.toFixed(12)));
  });

  it('forecasts mean-revert to omega / (1 - alpha - beta) at rate alpha + beta', () => {
    const f = garchVarianceForecast(p, 3, 50);
    expect(f[0]).toBe(3);
    const s2 = 0.2 / (1 - 0.8);
    expect(f[5]).toBeCloseTo(s2 + 0.8 ** 5 * (3 - s2), 12);
    expect(f[49]).toBeCloseTo(s2, 4);
  });
});
