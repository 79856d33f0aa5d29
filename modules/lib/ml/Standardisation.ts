/** Per-feature mean and standard deviation, fitted on the training period only. */
export interface Standardisation {
  mean: number[];
  std: number[];
}

/**
 * Population mean and std of each column. A constant column gets std 1 so it
 * standardises to 0 instead of dividing by zero.
 */
export function fitStandardisation(rows: readonly (readonly number[])[]): Standardisation {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  if (rows.length === 0) return { mean, std: std.fill(1) };
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]!;
  for (let j = 0; j < d; j++) mean[j]! /= rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) std[j]! += (r[j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j]! / rows.length);
    std[j] = s > 1e-12 ? s : 1;
  }
  return { mean, std };
}

/** (x - mean) / std into `out` (allocated when omitted). */
export function standardise(s: Standardisation, x: readonly number[], out: number[] = new Array<number>(x.length)): number[] {
  for (let j = 0; j < x.length; j++) out[j] = (x[j]! - s.mean[j]!) / s.std[j]!;
  return out;
}
