import { luFactor, luSolve } from './lu.ts';
import { matMul, matVec, symmetrise, transpose, type Matrix, type ReadonlyMatrix } from './matrix.ts';

export interface BlackLittermanInput {
  sigma: ReadonlyMatrix;
  /** Equilibrium (market) weights the prior is implied from. */
  marketWeights: readonly number[];
  /** Risk aversion of the market: pi = delta Sigma w_mkt. */
  delta: number;
  /** Scale of the uncertainty of the prior mean relative to Sigma. */
  tau: number;
  /** k x n pick matrix: row r says which combination of instruments view r is about. */
  p: ReadonlyMatrix;
  /** k expected returns of the views. */
  q: readonly number[];
  /** k diagonal entries of Omega (view variances), >= 0; 0 is a certain view. */
  omega: readonly number[];
}

export interface BlackLittermanPosterior {
  /** Prior (equilibrium) expected returns. */
  pi: number[];
  /** Posterior expected returns. */
  mu: number[];
  /** Covariance of returns around the posterior mean, Sigma + M (He and Litterman), to optimise against. */
  sigma: Matrix;
}

/**
 * The Black-Litterman posterior in the form of He and Litterman (1999):
 *   mu = pi + tau Sigma P' (P tau Sigma P' + Omega)^-1 (Q - P pi)
 *   M  = tau Sigma - tau Sigma P' (P tau Sigma P' + Omega)^-1 P tau Sigma
 * This form inverts a k x k matrix in view space instead of Omega itself, so
 * a fully confident view (Omega entry 0) is allowed and is met exactly.
 */
export function blackLitterman(b: BlackLittermanInput): BlackLittermanPosterior {
  const n = b.marketWeights.length;
  const pi = matVec(b.sigma, b.marketWeights).map((v) => v * b.delta);
  const tauSigma = b.sigma.map((r) => r.map((v) => v * b.tau));
  const k = b.q.length;
  if (k === 0) return { pi, mu: pi.slice(), sigma: b.sigma.map((r, i) => r.map((v, j) => v + tauSigma[i]![j]!)) };

  const tsPt = matMul(tauSigma, transpose(b.p)); // n x k
  const a = matMul(b.p, tsPt); // k x k: P tau Sigma P'
  for (let r = 0; r < k; r++) a[r]![r]! += b.omega[r]!;
  const ppi = matVec(b.p, pi);
  const f = luFactor(a);
  if (f === null) throw new Error('Black-Litterman view system is singular (duplicate certain views?)');
  const x = luSolve(f, b.q.map((q, r) => q - ppi[r]!));
  const mu = pi.map((v, i) => v + tsPt[i]!.reduce((s, c, r) => s + c * x[r]!, 0));

  // M = tau Sigma - tsPt A^-1 tsPt', one solve per instrument column.
  const sigma: Matrix = [];
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) cols.push(luSolve(f, tsPt[j]!));
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += tsPt[i]![r]! * cols[j]![r]!;
      row.push(b.sigma[i]![j]! + tauSigma[i]![j]! - s);
    }
    sigma.push(row);
  }
  return { pi, mu, sigma: symmetrise(sigma) };
}
