/** -1 short, 0 flat, +1 long: the position a strategy wants on a symbol. */
export type Direction = -1 | 0 | 1;

export interface StrategyView {
  direction: Direction;
  /** In [0.5, 1]: 0.5 is no conviction (always the case when flat), 1 a textbook-strength signal. */
  confidence: number;
}

/**
 * A classic rule as a pure function of the features of the bar that just
 * closed (plain names such as `bbPctB`, no timeframe prefix) and of the
 * direction it held on that symbol after the previous bar. The previous
 * direction is the only state a rule needs for hysteresis and exits; the
 * caller keeps it per symbol.
 */
export interface Strategy {
  /** Also the `source` of its signals. */
  readonly name: string;
  /** Features read; when any is missing or not finite the rule has no view (warm-up). */
  readonly features: readonly string[];
  decide(f: Readonly<Record<string, number>>, prev: Direction): StrategyView;
}

/** Clamps to [0, 1]; NaN counts as no strength. */
export function clip01(v: number): number {
  return v > 0 ? (v < 1 ? v : 1) : 0;
}

/** The view when a rule wants no position. */
export const FLAT: StrategyView = Object.freeze({ direction: 0, confidence: 0.5 });

/** True when every feature the rule reads is present and finite. */
export function hasFeatures(s: Strategy, f: Readonly<Record<string, number>>): boolean {
  for (const name of s.features) if (!Number.isFinite(f[name])) return false;
  return true;
}
