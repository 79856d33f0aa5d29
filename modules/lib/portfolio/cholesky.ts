import { zeros, type Matrix, type ReadonlyMatrix } from './matrix.ts';

/**
 * Lower-triangular L with A = L L', or null when A is not (numerically)
 * positive definite, so a caller can regularise and try again instead of
 * carrying a NaN into a portfolio.
 */
export function cholesky(a: ReadonlyMatrix): Matrix | null {
  const n = a.length;
  const l = zeros(n);
  for (let i = 0; i < n; i++) {
    const li = l[i]!;
    for (let j = 0; j <= i; j++) {
      const lj = l[j]!;
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= li[k]! * lj[k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        li[i] = Math.sqrt(s);
      } else {
        li[j] = s / lj[j]!;
      }
    }
  }
  return l;
}

/** Solves L L' x = b given the factor from `cholesky`. */
export function choleskySolve(l: ReadonlyMatrix, b: readonly number[]): number[] {
  const n = b.length;
  const z = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const li = l[i]!;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= li[k]! * z[k]!;
    z[i] = s / li[i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** A^-1 of a symmetric positive-definite A, or null when it is not one. */
export function spdInverse(a: ReadonlyMatrix): Matrix | null {
  const l = cholesky(a);
  if (l === null) return null;
  const n = a.length;
  const inv = zeros(n);
  const e = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) {
    e[j] = 1;
    const col = choleskySolve(l, e);
    e[j] = 0;
    for (let i = 0; i < n; i++) inv[i]![j] = col[i]!;
  }
  // Each column is solved separately; averaging with the transpose restores exact symmetry.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const m = (inv[i]![j]! + inv[j]![i]!) / 2;
      inv[i]![j] = m;
      inv[j]![i] = m;
    }
  }
  return inv;
}
