import { describe, expect, it } from 'vitest';
import { invert } from '../../modules/lib/risk/matrix.ts';
import { bfgs, nelderMead, numericGradient, numericHessian } from '../../modules/lib/risk/optimiser.ts';

const rosenbrock = (x: readonly number[]): number => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;

describe('optimiser', () => {
  it('Nelder-Mead finds the Rosenbrock minimum from the classic start', () => {
    const r = nelderMead(rosenbrock, [-1.2, 1], { fTol: 1e-14, xTol: 1e-10, maxIterations: 5000 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it('Nelder-Mead treats a non-finite objective as infeasible', () => {
    const f = (x: readonly number[]): number => (x[0]! <= 0 ? NaN : (Math.log(x[0]!) - 1) ** 2);
    const r = nelderMead(f, [1], { step: 2 });
    expect(r.x[0]).toBeCloseTo(Math.E, 4);
  });

  it('BFGS polishes a Rosenbrock point to high precision', () => {
    const r = bfgs(rosenbrock, [0.9, 0.8], { gTol: 1e-10, maxIterations: 500 });
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });

  it('numerical derivatives match the analytic ones of a quadratic form', () => {
    const f = (x: readonly number[]): number => 3 * x[0]! ** 2 + 2 * x[0]! * x[1]! + x[1]! ** 2 - x[1]!;
    expect(numericGradient(f, [1, 2]).map((g) => Number(g.toFixed(5)))).toEqual([10, 5]);
    expect(numericHessian(f, [1, 2]).map((row) => row.map((v) => Number(v.toFixed(4))))).toEqual([
      [6, 2],
      [2, 2],
    ]);
  });

  it('inverts a matrix and reports a singular one', () => {
    const inv = invert([
      [4, 7],
      [2, 6],
    ])!;
    expect(inv.flat().map((v) => Number(v.toFixed(12)))).toEqual([0.6, -0.7, -0.2, 0.4]);
    expect(invert([
      [1, 2],
      [2, 4],
    ])).toBeNull();
  });
});
