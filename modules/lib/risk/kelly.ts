/**
 * Kelly sizing for a binary bet: with probability p the bet wins b times the
 * stake, otherwise the stake is lost. The growth-optimal fraction of equity is
 *
 *   f* = p - (1 - p) / b
 *
 * (e.g. p = 0.6, b = 1: f* = 0.2). Full Kelly is far too aggressive when p is
 * an estimate, so sizing uses a fraction of it (a quarter, a half), clamped to
 * [0, cap]. No edge (f* <= 0) sizes to 0.
 */
export function kellyFraction(p: number, payoffRatio: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be a probability, got ${p}`);
  if (!(payoffRatio > 0)) throw new RangeError(`payoff ratio must be positive, got ${payoffRatio}`);
  return p - (1 - p) / payoffRatio;
}

/** `fraction * f*`, clamped to [0, cap]: the share of equity to stake. */
export function fractionalKelly(p: number, payoffRatio: number, fraction: number, cap: number): number {
  const f = fraction * kellyFraction(p, payoffRatio);
  return Math.min(Math.max(f, 0), cap);
}
