/** Scores of probabilistic up/down forecasts over one period. */
export interface ClassificationMetrics {
  n: number;
  /** Share of label 1 (up bars) in the period. */
  baseRate: number;
  /** Share of bars where p >= 0.5 matched the label. */
  accuracy: number;
  logLoss: number;
  brier: number;
  /** Expected calibration error over equal-width probability bins. */
  ece: number;
  /**
   * The same scores for the constant forecast p = baseRate of this very
   * period: a forecaster with no information beyond the period's own up-share
   * (slightly flattered, since it knows that share in advance).
   */
  baseline: { accuracy: number; logLoss: number; brier: number };
}

export function classificationMetrics(probs: readonly number[], labels: readonly number[], bins = 10): ClassificationMetrics {
  const n = labels.length;
  let ups = 0;
  let hits = 0;
  let ll = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    const y = labels[i]!;
    ups += y;
    if ((p >= 0.5 ? 1 : 0) === y) hits++;
    ll += -(y * Math.log(clamp(p)) + (1 - y) * Math.log(clamp(1 - p)));
    brier += (p - y) ** 2;
  }
  const rate = n > 0 ? ups / n : 0;
  return {
    n,
    baseRate: rate,
    accuracy: n > 0 ? hits / n : 0,
    logLoss: n > 0 ? ll / n : 0,
    brier: n > 0 ? brier / n : 0,
    ece: expectedCalibrationError(probs, labels, bins),
    baseline: {
      // Always forecasting the majority class; p = 0.5 counts as up, as above.
      accuracy: rate >= 0.5 ? rate : 1 - rate,
      logLoss: n > 0 ? -(rate * Math.log(clamp(rate)) + (1 - rate) * Math.log(clamp(1 - rate))) : 0,
      brier: rate * (1 - rate),
    },
  };
}

/**
 * ECE = sum over bins of (bin count / n) * |mean forecast - observed up-share|,
 * with `bins` equal-width bins on [0, 1] (p = 1 falls in the last).
 */
export function expectedCalibrationError(probs: readonly number[], labels: readonly number[], bins = 10): number {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const p = probs[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += labels[i]!;
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) e += Math.abs(sumP[b]! - sumY[b]!) / labels.length;
  return e;
}

function clamp(p: number): number {
  return Math.min(1 - 1e-15, Math.max(1e-15, p));
}
