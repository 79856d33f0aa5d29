/** Inverse of a small square matrix by Gauss-Jordan elimination with partial pivoting; null when singular. */
export function invert(A: readonly (readonly number[])[]): number[][] | null {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    const pivot = M[p]![c]!;
    if (!(Math.abs(pivot) > 1e-300)) return null;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const row = M[c]!;
    for (let j = 0; j < 2 * n; j++) row[j] = row[j]! / pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const k = M[r]![c]!;
      if (k === 0) continue;
      const target = M[r]!;
      for (let j = 0; j < 2 * n; j++) target[j] = target[j]! - k * row[j]!;
    }
  }
  return M.map((row) => row.slice(n));
}
