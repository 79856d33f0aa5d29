import { fitLogistic } from './LogisticRegression.ts';
import { sigmoid } from './sigmoid.ts';

/** Calibrated P(y = 1) = sigmoid(a * score + b), the score being the model's raw logit. */
export interface PlattCalibration {
  method: 'platt';
  a: number;
  b: number;
}

/**
 * Platt scaling (Platt 1999), fitted on a held-out period the model never
 * trained on. Labels are replaced by Platt's smoothed targets
 * (N+ + 1)/(N+ + 2) and 1/(N- + 2), which keep the fit finite when the
 * scores separate the held-out labels.
 */
export function fitPlatt(scores: readonly number[], labels: readonly number[]): PlattCalibration {
  let pos = 0;
  for (const l of labels) if (l === 1) pos++;
  const neg = labels.length - pos;
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const fit = fitLogistic(
    scores.map((s) => [s]),
    labels.map((l) => (l === 1 ? hi : lo)),
  );
  return { method: 'platt', a: fit.params.coef[0]!, b: fit.params.bias };
}

export function applyPlatt(c: PlattCalibration, score: number): number {
  return sigmoid(c.a * score + c.b);
}
