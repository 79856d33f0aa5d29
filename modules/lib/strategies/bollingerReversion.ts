import { clip01, FLAT, type Direction, type Strategy, type StrategyView } from './Strategy.ts';

export interface BollingerReversionParams {
  /** Exit when %B comes back within this distance of the middle band (0.5). */
  exitBand: number;
  /** How far outside a band (in %B units) confidence reaches 1. */
  fullBeyond: number;
}

export const BOLLINGER_REVERSION_DEFAULTS: BollingerReversionParams = Object.freeze({ exitBand: 0.05, fullBeyond: 0.5 });

/**
 * Mean reversion on Bollinger %B (`bbPctB`: 0 at the lower band, 1 at the
 * upper, 0.5 at the middle). A close below the lower band goes long, above
 * the upper band short; the position is held until %B returns to within
 * `exitBand` of the middle band, then flat. A close beyond the opposite band
 * while positioned flips directly.
 *
 * Confidence = 0.5 + 0.5 * clip(distance from the middle toward the entry
 * side / (0.5 + fullBeyond), 0, 1): 0.75 right at the band with the default
 * fullBeyond 0.5, 1 half a band-width beyond it, 0.5 back at the middle.
 */
export function bollingerReversion(params: Partial<BollingerReversionParams> = {}): Strategy {
  const p = { ...BOLLINGER_REVERSION_DEFAULTS, ...params };
  return {
    name: 'bollinger-reversion',
    features: ['bbPctB'],
    decide(f, prev): StrategyView {
      const b = f.bbPctB!;
      let direction: Direction = prev;
      if (b < 0) direction = 1;
      else if (b > 1) direction = -1;
      else if (prev === 1 && b >= 0.5 - p.exitBand) direction = 0;
      else if (prev === -1 && b <= 0.5 + p.exitBand) direction = 0;
      if (direction === 0) return FLAT;
      return { direction, confidence: 0.5 + 0.5 * clip01((direction * (0.5 - b)) / (0.5 + p.fullBeyond)) };
    },
  };
}
