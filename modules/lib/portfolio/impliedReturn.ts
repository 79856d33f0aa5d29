const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * The expected next-period return of a directional view: a signal that is
 * right with probability c about a return of typical size sigma earns
 * (2c - 1) E|r| = (2c - 1) sigma sqrt(2/pi) for normal returns. Below c = 0.5
 * the view carries no edge in its own direction, and it is not turned into
 * the opposite bet: a source that is unsure is read as neutral.
 */
export function impliedReturn(direction: number, confidence: number, volatility: number): number {
  if (direction === 0) return 0;
  return Math.sign(direction) * Math.max(0, 2 * confidence - 1) * SQRT_2_OVER_PI * volatility;
}
