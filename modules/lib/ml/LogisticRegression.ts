import { sigmoid, softplus } from './sigmoid.ts';
import { solveSpd } from './solveSpd.ts';

/** P(y = 1 | x) = sigmoid(bias + coef . x). */
export interface LogisticParams {
  bias: number;
  coef: number[];
}

export interface LogisticFitOptions {
  /** L2 penalty on the coefficients (not the bias), per sample: the objective is mean log-loss + l2/2 |coef|^2. */
  l2?: number;
  maxIter?: number;
  /** Stop when the largest Newton step component falls below this. */
  tol?: number;
}

export interface LogisticFit {
  params: LogisticParams;
  iterations: number;
  converged: boolean;
  /** Penalised mean log-loss at the solution. */
  objective: number;
}

export function logisticLogit(p: LogisticParams, x: readonly number[]): number {
  let z = p.bias;
  for (let j = 0; j < p.coef.length; j++) z += p.coef[j]! * x[j]!;
  return z;
}

/**
 * L2-penalised logistic regression by Newton's method (IRLS) with step
 * halving. Newton is exact and deterministic (no learning rate, no sampling)
 * and converges in a handful of steps on a few thousand rows of a dozen
 * features. Labels may be soft (in [0, 1]), which Platt scaling relies on.
 */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly number[], opts: LogisticFitOptions = {}): LogisticFit {
  const l2 = opts.l2 ?? 0;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-10;
  const d = x[0]?.length ?? 0;
  const n = x.length;
  let theta = new Array<number>(d + 1).fill(0);
  let obj = objective(x, y, theta, l2);
  for (let it = 1; it <= maxIter; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const h: number[][] = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const p = sigmoid(linear(theta, xi));
      const r = (p - y[i]!) / n;
      const w = (p * (1 - p)) / n;
      g[0]! += r;
      h[0]![0]! += w;
      for (let a = 0; a < d; a++) {
        const xa = xi[a]!;
        g[a + 1]! += r * xa;
        h[a + 1]![0]! += w * xa;
        for (let b = 0; b <= a; b++) h[a + 1]![b + 1]! += w * xa * xi[b]!;
      }
    }
    for (let a = 1; a <= d; a++) {
      g[a]! += l2 * theta[a]!;
      h[a]![a]! += l2;
    }
    // A tiny ridge keeps the system solvable when a column is constant or the classes separate.
    for (let a = 0; a <= d; a++) {
      h[a]![a]! += 1e-12;
      for (let b = 0; b < a; b++) h[b]![a] = h[a]![b]!;
    }
    const step = solveSpd(h, g) ?? g;
    let t = 1;
    let next = theta.map((v, k) => v - step[k]!);
    let nextObj = objective(x, y, next, l2);
    while (nextObj > obj && t > 1e-10) {
      t /= 2;
      next = theta.map((v, k) => v - t * step[k]!);
      nextObj = objective(x, y, next, l2);
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * t)));
    if (nextObj <= obj) {
      theta = next;
      obj = nextObj;
    }
    if (moved < tol || nextObj > obj) return { params: unpack(theta), iterations: it, converged: moved < tol, objective: obj };
  }
  return { params: unpack(theta), iterations: maxIter, converged: false, objective: obj };
}

function unpack(theta: number[]): LogisticParams {
  return { bias: theta[0]!, coef: theta.slice(1) };
}

function linear(theta: readonly number[], xi: readonly number[]): number {
  let z = theta[0]!;
  for (let j = 0; j < xi.length; j++) z += theta[j + 1]! * xi[j]!;
  return z;
}

/** Penalised mean log-loss; softplus form is exact for soft labels. */
function objective(x: readonly (readonly number[])[], y: readonly number[], theta: readonly number[], l2: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const z = linear(theta, x[i]!);
    s += softplus(z) - y[i]! * z;
  }
  let pen = 0;
  for (let a = 1; a < theta.length; a++) pen += theta[a]! ** 2;
  return s / x.length + (l2 / 2) * pen;
}
