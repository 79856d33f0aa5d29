import { zeros, type Matrix } from './matrix.ts';

export interface ShrunkCovariance {
  /** delta F + (1 - delta) S: symmetric positive semi-definite (definite once delta > 0 and the average correlation is below 1). */
  sigma: Matrix;
  /** The sample covariance S (divided by T, as in Ledoit and Wolf). */
  sample: Matrix;
  /** The constant-correlation target F: sample variances, one average correlation. */
  target: Matrix;
  /** Shrinkage intensity delta in [0, 1]. */
  shrinkage: number;
}

/**
 * Ledoit and Wolf (2004), "Honey, I shrunk the sample covariance matrix":
 * the sample covariance shrunk towards the constant-correlation matrix with
 * the intensity that minimises expected Frobenius loss. With a few dozen
 * returns per instrument and up to 64 instruments the sample matrix alone is
 * singular or nearly so, and an optimiser fed one piles into its noise.
 *
 * `series[i]` are instrument i's returns, all of one length T, aligned in time.
 * `varianceFloor` keeps an instrument whose price never moved from dividing by zero.
 */
export function ledoitWolfConstantCorrelation(series: readonly (readonly number[])[], varianceFloor = 1e-12): ShrunkCovariance {
  const n = series.length;
  const t = n === 0 ? 0 : series[0]!.length;
  if (t < 2) throw new Error(`covariance needs at least 2 returns per series, got ${t}`);
  const x = series.map((s) => {
    let m = 0;
    for (const v of s) m += v;
    m /= t;
    return s.map((v) => v - m);
  });
  const sample = zeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const xi = x[i]!;
      const xj = x[j]!;
      for (let k = 0; k < t; k++) s += xi[k]! * xj[k]!;
      s /= t;
      sample[i]![j] = s;
      sample[j]![i] = s;
    }
  }
  for (let i = 0; i < n; i++) sample[i]![i] = Math.max(sample[i]![i]!, varianceFloor);
  const sd = sample.map((r, i) => Math.sqrt(r[i]!));

  if (n === 1) return { sigma: sample.map((r) => r.slice()), sample, target: sample.map((r) => r.slice()), shrinkage: 0 };

  let rbar = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) rbar += sample[i]![j]! / (sd[i]! * sd[j]!);
  rbar = (2 * rbar) / (n * (n - 1));
  const target = zeros(n);
  for (let i = 0; i < n; i++) {
    target[i]![i] = sample[i]![i]!;
    for (let j = 0; j < i; j++) {
      const f = rbar * sd[i]! * sd[j]!;
      target[i]![j] = f;
      target[j]![i] = f;
    }
  }

  // pi-hat: sum of asymptotic variances of the sample entries.
  // rho-hat: sum of asymptotic covariances between target and sample entries.
  // gamma-hat: squared distance between target and sample (the misspecification).
  // Every (i, j) term equals its (j, i) twin, so each pair is computed once and counted twice.
  let piHat = 0;
  let rhoDiag = 0;
  let rhoOff = 0;
  const xs = x.map((xi) => Float64Array.from(xi));
  const y2 = xs.map((xi) => xi.map((v) => v * v));
  for (let i = 0; i < n; i++) {
    const xi = xs[i]!;
    const yi = y2[i]!;
    const sii = sample[i]![i]!;
    let pii = 0;
    for (let k = 0; k < t; k++) pii += (yi[k]! - sii) ** 2;
    pii /= t;
    piHat += pii;
    rhoDiag += pii;
    for (let j = i + 1; j < n; j++) {
      const xj = xs[j]!;
      const yj = y2[j]!;
      const sij = sample[i]![j]!;
      const sjj = sample[j]![j]!;
      let p = 0;
      let thII = 0;
      let thJJ = 0;
      for (let k = 0; k < t; k++) {
        const d = xi[k]! * xj[k]! - sij;
        p += d * d;
        thII += (yi[k]! - sii) * d;
        thJJ += (yj[k]! - sjj) * d;
      }
      piHat += (2 * p) / t;
      // theta_ii,ij and theta_jj,ij: the (i, j) and (j, i) terms of rho-hat are equal.
      rhoOff += rbar * ((sd[j]! / sd[i]!) * (thII / t) + (sd[i]! / sd[j]!) * (thJJ / t));
    }
  }
  const rhoHat = rhoDiag + rhoOff;
  let gammaHat = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gammaHat += (target[i]![j]! - sample[i]![j]!) ** 2;
  const kappa = gammaHat > 0 ? (piHat - rhoHat) / gammaHat : 0;
  // No misspecification at all (gammaHat 0) means the target is the sample: any intensity gives the same matrix.
  const shrinkage = gammaHat > 0 ? Math.max(0, Math.min(1, kappa / t)) : 0;
  const sigma = zeros(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sigma[i]![j] = shrinkage * target[i]![j]! + (1 - shrinkage) * sample[i]![j]!;
  return { sigma, sample, target, shrinkage };
}
