/**
 * Dense matrices as arrays of rows. The portfolio tier works on at most a few
 * dozen instruments, where plain nested arrays are both the simplest and fast
 * enough (a 64 x 64 product is a quarter of a million multiply-adds).
 */
export type Matrix = number[][];
export type ReadonlyMatrix = readonly (readonly number[])[];

export function zeros(rows: number, cols: number = rows): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function identity(n: number): Matrix {
  const m = zeros(n);
  for (let i = 0; i < n; i++) m[i]![i] = 1;
  return m;
}


export function transpose(a: ReadonlyMatrix): Matrix {
  const rows = a.length;
  const cols = rows === 0 ? 0 : a[0]!.length;
  const t = zeros(cols, rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j]![i] = a[i]![j]!;
  return t;
}

export function matMul(a: ReadonlyMatrix, b: ReadonlyMatrix): Matrix {
  const n = a.length;
  const k = b.length;
  const m = k === 0 ? 0 : b[0]!.length;
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    const oi = out[i]!;
    for (let p = 0; p < k; p++) {
      const aip = ai[p]!;
      if (aip === 0) continue;
      const bp = b[p]!;
      for (let j = 0; j < m; j++) oi[j]! += aip * bp[j]!;
    }
  }
  return out;
}

export function matVec(a: ReadonlyMatrix, x: readonly number[]): number[] {
  return a.map((row) => dot(row, x));
}

export function dot(x: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}



/** Rows and columns `idx` of a square matrix, in that order. */
export function submatrix(a: ReadonlyMatrix, idx: readonly number[]): Matrix {
  return idx.map((i) => idx.map((j) => a[i]![j]!));
}

/** (A + A') / 2: removes the rounding asymmetry products leave behind. */
export function symmetrise(a: ReadonlyMatrix): Matrix {
  return a.map((row, i) => row.map((v, j) => (v + a[j]![i]!) / 2));
}
