/**
 * Derivative-free and quasi-Newton minimisers for small, smooth problems
 * (a handful of parameters), written here because modules may not use npm
 * packages. Both are deterministic: same start, same answer.
 */

export type Objective = (x: readonly number[]) => number;

export interface MinimiseResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate (default 0.5, or one number for all). */
  step?: number | readonly number[];
  maxIterations?: number;
  /** Stop when the spread of values across the simplex falls below this. */
  fTol?: number;
  /** ...and the simplex has shrunk below this in every coordinate. */
  xTol?: number;
}

/**
 * Nelder-Mead with the adaptive coefficients of Gao and Han (2012), which keep
 * the simplex from collapsing in higher dimensions. A non-finite objective
 * value counts as +Infinity, so infeasible points are simply rejected.
 */
export function nelderMead(f: Objective, x0: readonly number[], opts: NelderMeadOptions = {}): MinimiseResult {
  const n = x0.length;
  const maxIterations = opts.maxIterations ?? 400 * n;
  const fTol = opts.fTol ?? 1e-10;
  const xTol = opts.xTol ?? 1e-8;
  const alpha = 1;
  const gamma = 1 + 2 / n;
  const rho = 0.75 - 1 / (2 * n);
  const sigma = 1 - 1 / n;
  let evaluations = 0;
  const val = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const stepOf = (i: number): number => (typeof opts.step === 'number' ? opts.step : (opts.step?.[i] ?? 0.5));

  const pts: number[][] = [Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const p = Array.from(x0);
    p[i] = p[i]! + stepOf(i);
    pts.push(p);
  }
  const vals = pts.map(val);

  let iterations = 0;
  let converged = false;
  const centroid = new Array<number>(n);
  const along = (t: number): number[] => centroid.map((c, j) => c + t * (pts[n]![j]! - c));
  for (; iterations < maxIterations; iterations++) {
    // Sort ascending by value, carrying points along.
    const order = vals.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    const sp = order.map((i) => pts[i]!);
    const sv = order.map((i) => vals[i]!);
    for (let i = 0; i <= n; i++) {
      pts[i] = sp[i]!;
      vals[i] = sv[i]!;
    }
    if (isConverged(pts, vals, fTol, xTol)) {
      converged = true;
      break;
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += pts[i]![j]!;
      centroid[j] = s / n;
    }
    const xr = along(-alpha);
    const fr = val(xr);
    if (fr < vals[0]!) {
      const xe = along(-alpha * gamma);
      const fe = val(xe);
      if (fe < fr) accept(xe, fe);
      else accept(xr, fr);
      continue;
    }
    if (fr < vals[n - 1]!) {
      accept(xr, fr);
      continue;
    }
    const outside = fr < vals[n]!;
    const xc = along(outside ? -alpha * rho : rho);
    const fc = val(xc);
    if (fc < (outside ? fr : vals[n]!)) {
      accept(xc, fc);
      continue;
    }
    for (let i = 1; i <= n; i++) {
      pts[i] = pts[i]!.map((v, j) => pts[0]![j]! + sigma * (v - pts[0]![j]!));
      vals[i] = val(pts[i]!);
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (vals[i]! < vals[best]!) best = i;
  return { x: pts[best]!, value: vals[best]!, iterations, evaluations, converged };

  function accept(x: number[], v: number): void {
    pts[n] = x;
    vals[n] = v;
  }
}

function isConverged(pts: number[][], vals: number[], fTol: number, xTol: number): boolean {
  const n = pts.length - 1;
  if (!(Math.abs(vals[n]! - vals[0]!) <= fTol * (1 + Math.abs(vals[0]!)))) return false;
  for (let i = 1; i <= n; i++) {
    for (let j = 0; j < n; j++) if (Math.abs(pts[i]![j]! - pts[0]![j]!) > xTol * (1 + Math.abs(pts[0]![j]!))) return false;
  }
  return true;
}

/** Central-difference gradient; the step scales with |x| so large and small coordinates both get a sensible one. */
export function numericGradient(f: Objective, x: readonly number[], rel = 1e-6): number[] {
  const g = new Array<number>(x.length);
  const p = Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const h = rel * Math.max(1, Math.abs(x[i]!));
    const xi = x[i]!;
    p[i] = xi + h;
    const up = f(p);
    p[i] = xi - h;
    const down = f(p);
    p[i] = xi;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Central-difference Hessian (symmetric by construction). */
export function numericHessian(f: Objective, x: readonly number[], rel = 1e-4): number[][] {
  const n = x.length;
  const hs = x.map((v) => rel * Math.max(1, Math.abs(v)));
  const p = Array.from(x);
  const at = (i: number, di: number, j: number, dj: number): number => {
    p[i] = p[i]! + di;
    p[j] = p[j]! + dj;
    const v = f(p);
    p[i] = x[i]!;
    p[j] = x[j]!;
    return v;
  };
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const f0 = f(x);
  for (let i = 0; i < n; i++) {
    const hi = hs[i]!;
    H[i]![i] = (at(i, hi, i, 0) - 2 * f0 + at(i, -hi, i, 0)) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = hs[j]!;
      const v = (at(i, hi, j, hj) - at(i, hi, j, -hj) - at(i, -hi, j, hj) + at(i, -hi, j, -hj)) / (4 * hi * hj);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

export interface BfgsOptions {
  maxIterations?: number;
  /** Stop when the largest gradient component, scaled by max(1, |f|), falls below this. */
  gTol?: number;
  /** Relative step of the numerical gradient. */
  gradientStep?: number;
}

/**
 * BFGS on a central-difference gradient with a backtracking (Armijo) line
 * search. Meant as a polish after Nelder-Mead: from a point near the optimum
 * it converges superlinearly to the precision the numerical gradient allows.
 */
export function bfgs(f: Objective, x0: readonly number[], opts: BfgsOptions = {}): MinimiseResult {
  const n = x0.length;
  const maxIterations = opts.maxIterations ?? 200;
  const gTol = opts.gTol ?? 1e-8;
  let evaluations = 0;
  const val = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const grad = (x: readonly number[]): number[] => {
    evaluations += 2 * n;
    return numericGradient(f, x, opts.gradientStep);
  };
  let x = Array.from(x0);
  let fx = val(x);
  let g = grad(x);
  let Hinv = identity(n);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    if (maxAbs(g) <= gTol * Math.max(1, Math.abs(fx))) {
      converged = true;
      break;
    }
    let d = matVec(Hinv, g).map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Lost positive definiteness: restart from steepest descent.
      Hinv = identity(n);
      d = g.map((v) => -v);
      slope = dot(g, d);
    }
    let t = 1;
    let xn = x;
    let fn = fx;
    let found = false;
    for (let k = 0; k < 60; k++) {
      xn = x.map((v, i) => v + t * d[i]!);
      fn = val(xn);
      if (fn <= fx + 1e-4 * t * slope) {
        found = true;
        break;
      }
      t *= 0.5;
    }
    if (!found) {
      // No descent along a numerical gradient: we are at its noise floor.
      converged = maxAbs(g) <= 1e3 * gTol * Math.max(1, Math.abs(fx));
      break;
    }
    const gn = grad(xn);
    const s = xn.map((v, i) => v - x[i]!);
    const y = gn.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (iterations === 0) Hinv = identity(n).map((row) => row.map((v) => (v * sy) / dot(y, y)));
      Hinv = bfgsUpdate(Hinv, s, y, sy);
    }
    const improvement = fx - fn;
    x = xn;
    fx = fn;
    g = gn;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(fx)) && maxAbs(g) <= 1e3 * gTol * Math.max(1, Math.abs(fx))) {
      converged = true;
      break;
    }
  }
  return { x, value: fx, iterations, evaluations, converged };
}

function bfgsUpdate(H: number[][], s: number[], y: number[], sy: number): number[][] {
  const n = s.length;
  const rho = 1 / sy;
  const Hy = matVec(H, y);
  const yHy = dot(y, Hy);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      row[j] = H[i]![j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
    }
    out.push(row);
  }
  return out;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function matVec(A: number[][], v: number[]): number[] {
  return A.map((row) => dot(row, v));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(v: readonly number[]): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}
