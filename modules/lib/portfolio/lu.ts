import { zeros, type Matrix, type ReadonlyMatrix } from './matrix.ts';

/** PA = LU packed in one matrix (unit diagonal of L implied), with the row permutation. */
export interface LuFactor {
  lu: Matrix;
  perm: number[];
}

/**
 * LU with partial pivoting, for the square systems that are not symmetric
 * positive definite (Black-Litterman's view-space system when a view is
 * certain can be only semi-definite). Null when A is singular to working
 * precision.
 */
export function luFactor(a: ReadonlyMatrix): LuFactor | null {
  const n = a.length;
  const lu = a.map((r) => r.slice());
  const perm = Array.from({ length: n }, (_, i) => i);
  let norm = 0;
  for (const r of a) for (const v of r) norm = Math.max(norm, Math.abs(v));
  const tiny = norm * n * Number.EPSILON;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k]![k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i]![k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > tiny)) return null;
    if (p !== k) {
      [lu[k], lu[p]] = [lu[p]!, lu[k]!];
      [perm[k], perm[p]] = [perm[p]!, perm[k]!];
    }
    const rk = lu[k]!;
    const pivot = rk[k]!;
    for (let i = k + 1; i < n; i++) {
      const ri = lu[i]!;
      const f = ri[k]! / pivot;
      ri[k] = f;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) ri[j]! -= f * rk[j]!;
    }
  }
  return { lu, perm };
}

export function luSolve({ lu, perm }: LuFactor, b: readonly number[]): number[] {
  const n = b.length;
  const x = perm.map((p) => b[p]!);
  for (let i = 0; i < n; i++) {
    const ri = lu[i]!;
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= ri[k]! * x[k]!;
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    const ri = lu[i]!;
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= ri[k]! * x[k]!;
    x[i] = s / ri[i]!;
  }
  return x;
}

/** x with A x = b, or null when A is singular. */
export function solve(a: ReadonlyMatrix, b: readonly number[]): number[] | null {
  const f = luFactor(a);
  return f === null ? null : luSolve(f, b);
}

/** A^-1, or null when A is singular. */
export function inverse(a: ReadonlyMatrix): Matrix | null {
  const f = luFactor(a);
  if (f === null) return null;
  const n = a.length;
  const inv = zeros(n);
  const e = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    const col = luSolve(f, e);
    e[j] = 0;
    for (let i = 0; i < n; i++) inv[i]![j] = col[i]!;
  }
  return inv;
}
