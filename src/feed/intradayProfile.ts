/**
 * Relative trading activity at `phase` in [0, 1) of the trading day: the
 * U-shape of equity markets, busy at the open and the close, quiet at midday
 * (about 8x from the ends to the middle). Normalised so a whole day
 * averages 1, so options that set a mean size keep their meaning.
 */
export function intradayProfile(phase: number): number {
  const x = 2 * phase - 1;
  return (0.35 + 2.6 * x * x) / MEAN;
}

/** Mean of 0.35 + 2.6 x^2 over x in [-1, 1]. */
const MEAN = 0.35 + 2.6 / 3;
