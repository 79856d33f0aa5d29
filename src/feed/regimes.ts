/**
 * Market regimes the synthetic feed switches between, per instrument, as a
 * seeded Markov chain. Real markets alternate quiet stretches, turbulent
 * ones and trends; a feed without them gives strategies and risk limits
 * nothing to tell apart.
 */
export const REGIMES = ['calm', 'volatile', 'trending'] as const;
export type Regime = (typeof REGIMES)[number];

export interface RegimeParams {
  /** Multiplier on the feed's base volatility (the GARCH target level). */
  readonly vol: number;
  /**
   * Drift per event in units of the regime's per-event sigma; its sign is
   * drawn on entering the regime. 0.015 makes a trend about a third of a
   * sigma per 1m candle (600 events), plain on a chart over a 30 minute
   * regime, yet far from certain on any one candle.
   */
  readonly drift: number;
}

export const REGIME_PARAMS: Readonly<Record<Regime, RegimeParams>> = {
  calm: { vol: 0.6, drift: 0 },
  volatile: { vol: 2, drift: 0 },
  trending: { vol: 1, drift: 0.015 },
};
