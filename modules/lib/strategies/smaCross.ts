import { clip01, FLAT, type Direction, type Strategy, type StrategyView } from './Strategy.ts';

export interface SmaCrossParams {
  /** Half-width of the no-flip zone around a zero gap, in units of ATR% (atr14Pct). */
  hysteresisAtr: number;
  /** Gap (in ATR%) at which confidence reaches 1. */
  fullAtr: number;
}

export const SMA_CROSS_DEFAULTS: SmaCrossParams = Object.freeze({ hysteresisAtr: 0.25, fullAtr: 2 });

/**
 * Trend following on the SMA(10)/SMA(30) gap (`smaCross10_30`). Always in the
 * market once started: long when the gap exceeds +band, short below -band,
 * and inside the band the previous side is kept, so a gap dithering around
 * zero does not flip the position every bar. The band is measured in ATR%
 * (`atr14Pct`) so one setting fits a 1m bar and a daily bar alike.
 *
 * Confidence = 0.5 + 0.5 * clip(side * gap / (fullAtr * atr14Pct), 0, 1):
 * 0.5 while the gap sits inside the band against the held side, 1 once the
 * gap in the held side's favour reaches `fullAtr` ATRs.
 */
export function smaCross(params: Partial<SmaCrossParams> = {}): Strategy {
  const p = { ...SMA_CROSS_DEFAULTS, ...params };
  return {
    name: 'sma-cross',
    features: ['smaCross10_30', 'atr14Pct'],
    decide(f, prev): StrategyView {
      const gap = f.smaCross10_30!;
      const atr = Math.max(0, f.atr14Pct!);
      const band = p.hysteresisAtr * atr;
      let direction: Direction = prev;
      if (gap > band && gap > 0) direction = 1;
      else if (gap < -band && gap < 0) direction = -1;
      if (direction === 0) return FLAT;
      const scale = p.fullAtr * atr;
      const strength = scale > 0 ? clip01((direction * gap) / scale) : direction * gap > 0 ? 1 : 0;
      return { direction, confidence: 0.5 + 0.5 * strength };
    },
  };
}
