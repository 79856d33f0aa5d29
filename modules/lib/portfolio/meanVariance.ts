import { cholesky, choleskySolve } from './cholesky.ts';
import { submatrix, type ReadonlyMatrix } from './matrix.ts';

export interface MeanVarianceProblem {
  /** Expected return per instrument (per period). */
  mu: readonly number[];
  /** Return covariance (per period), symmetric positive definite. */
  sigma: ReadonlyMatrix;
  /** lambda in w'mu - (lambda / 2) w' Sigma w; > 0. */
  riskAversion: number;
  /** Upper bound on each weight (fraction of equity), >= 0. */
  maxWeight: number;
  /** Upper bound on the sum of weights, >= 0 (Infinity: none). */
  maxGross: number;
}

export interface MeanVarianceSolution {
  weights: number[];
  /** Multiplier of the budget sum(w) <= maxGross (0 when it is slack). */
  budgetMultiplier: number;
  iterations: number;
  /** False only if the iteration cap was hit (degenerate cycling); the weights are then feasible but may be suboptimal. */
  converged: boolean;
}

/**
 * Long-only mean-variance: maximise w'mu - (lambda/2) w'Sigma w subject to
 * 0 <= w_i <= maxWeight and sum w <= maxGross, solved exactly by a primal
 * active-set method (Nocedal and Wright, Numerical Optimization, 16.5).
 *
 * Why active set rather than projected gradient: the problem is a strictly
 * convex QP with at most 2n + 1 simple constraints, so the method ends in
 * finitely many steps at the exact KKT point (to rounding), which matters
 * here because a shadow version's targets are compared with the incumbent's
 * exactly, and a tolerance-dependent stopping point would be one more
 * thing that can differ. Bound constraints are eliminated rather than carried
 * in a KKT matrix: each step solves the free block by Cholesky, plus one
 * extra right-hand side when the budget is in the working set.
 */
export function meanVariance(p: MeanVarianceProblem): MeanVarianceSolution {
  const n = p.mu.length;
  const { riskAversion: lam, maxWeight: ub, maxGross: g } = p;
  if (!(lam > 0)) throw new Error(`risk aversion must be positive, got ${lam}`);
  if (!(ub >= 0) || !(g >= 0)) throw new Error('maxWeight and maxGross must be >= 0');
  const w = new Array<number>(n).fill(0);
  if (n === 0 || ub === 0 || g === 0) return { weights: w, budgetMultiplier: 0, iterations: 0, converged: true };
  const q = (i: number, j: number): number => lam * p.sigma[i]![j]!;
  const hasBudget = Number.isFinite(g) && g < n * ub;

  // Working set: each variable is 'L' (held at 0), 'U' (held at ub) or 'F' (free); plus the budget flag.
  // w = 0 with every lower bound active is feasible and its constraints are independent.
  const state: ('L' | 'U' | 'F')[] = new Array(n).fill('L');
  let budget = false;
  let nu = 0;

  let scaleMu = 0;
  for (const m of p.mu) scaleMu = Math.max(scaleMu, Math.abs(m));
  let scaleQ = 0;
  for (let i = 0; i < n; i++) scaleQ = Math.max(scaleQ, Math.abs(q(i, i)));
  const gradTol = 1e-12 * (scaleMu + scaleQ * ub) + Number.MIN_VALUE;
  const stepTol = 1e-13 * Math.max(ub, 1e-300);

  const maxIter = 50 * (2 * n + 1);
  let stationary = true;
  for (let iter = 1; iter <= maxIter; iter++) {
    const grad = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      let s = -p.mu[i]!;
      for (let j = 0; j < n; j++) if (w[j] !== 0) s += q(i, j) * w[j]!;
      grad[i] = s;
    }
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (state[i] === 'F') free.push(i);

    // Step on the free block: minimise 0.5 p'Q_FF p + grad_F'p (subject to sum p = 0 with the budget active).
    const step = new Array<number>(n).fill(0);
    nu = 0;
    if (free.length > 0) {
      const l = cholesky(submatrix(p.sigma, free).map((r) => r.map((v) => v * lam)));
      if (l === null) throw new Error('covariance is not positive definite on the free instruments');
      const x = choleskySolve(l, free.map((i) => grad[i]!));
      let pf = x.map((v) => -v);
      if (budget) {
        const y = choleskySolve(l, free.map(() => 1));
        let sx = 0;
        let sy = 0;
        for (let k = 0; k < free.length; k++) {
          sx += x[k]!;
          sy += y[k]!;
        }
        nu = -sx / sy;
        pf = x.map((v, k) => -v - nu * y[k]!);
      }
      for (let k = 0; k < free.length; k++) step[free[k]!] = pf[k]!;
    }
    let stepNorm = 0;
    for (const v of step) stepNorm = Math.max(stepNorm, Math.abs(v));

    if (stationary || stepNorm <= stepTol) {
      // At the minimum over the working set: every multiplier must be >= 0, else release the most negative.
      // With the budget active its multiplier nu comes from the free block; with none free it is not in use.
      let worst = -gradTol;
      let release = -1;
      for (let i = 0; i < n; i++) {
        const mult = state[i] === 'L' ? grad[i]! + nu : state[i] === 'U' ? -(grad[i]! + nu) : 0;
        if (mult < worst) {
          worst = mult;
          release = i;
        }
      }
      const releaseBudget = budget && nu < worst;
      if (releaseBudget) {
        budget = false;
      } else if (release >= 0) {
        state[release] = 'F';
      } else {
        clampInto(w, ub);
        return { weights: w, budgetMultiplier: budget ? Math.max(0, nu) : 0, iterations: iter, converged: true };
      }
      stationary = false;
      continue;
    }

    // Longest step along `step` that stays feasible; the first constraint hit joins the working set.
    let alpha = 1;
    let block: { kind: 'L' | 'U' | 'B'; i: number } | null = null;
    let sumW = 0;
    let sumP = 0;
    for (let i = 0; i < n; i++) {
      sumW += w[i]!;
      sumP += step[i]!;
      if (state[i] !== 'F') continue;
      const d = step[i]!;
      if (d < 0) {
        const a = -w[i]! / d;
        if (a < alpha) {
          alpha = a;
          block = { kind: 'L', i };
        }
      } else if (d > 0) {
        const a = (ub - w[i]!) / d;
        if (a < alpha) {
          alpha = a;
          block = { kind: 'U', i };
        }
      }
    }
    if (hasBudget && !budget && sumP > 0) {
      const a = (g - sumW) / sumP;
      if (a < alpha) {
        alpha = a;
        block = { kind: 'B', i: -1 };
      }
    }
    alpha = Math.max(0, alpha);
    for (let i = 0; i < n; i++) if (step[i] !== 0) w[i]! += alpha * step[i]!;
    if (block === null) {
      stationary = true;
    } else if (block.kind === 'B') {
      budget = true;
    } else {
      state[block.i] = block.kind;
      w[block.i] = block.kind === 'L' ? 0 : ub;
    }
  }
  clampInto(w, ub);
  return { weights: w, budgetMultiplier: budget ? Math.max(0, nu) : 0, iterations: maxIter, converged: false };
}

/** Rounding can leave a weight a hair outside its box; the returned point is always feasible. */
function clampInto(w: number[], ub: number): void {
  for (let i = 0; i < w.length; i++) w[i] = Math.min(ub, Math.max(0, w[i]!));
}
