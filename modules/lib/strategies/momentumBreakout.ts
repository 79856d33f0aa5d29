import { clip01, FLAT, type Direction, type Strategy, type StrategyView } from './Strategy.ts';

export interface MomentumBreakoutParams {
  /** volRatio20 (volume / its 20-bar mean) at or above which a breakout counts as confirmed. */
  volumeThreshold: number;
  /** volRatio20 at which the volume part of confidence is full. */
  volumeFull: number;
  /** A close within this fraction of the 20-bar range from its high (low) is "at" the high (low). */
  edge: number;
  /** Channel position (0 = 20-bar low, 1 = 20-bar high) below which a long exits; a short exits above 1 - this. */
  exitLevel: number;
}

export const MOMENTUM_BREAKOUT_DEFAULTS: MomentumBreakoutParams = Object.freeze({ volumeThreshold: 1.5, volumeFull: 3, edge: 0.05, exitLevel: 0.5 });

/**
 * Donchian breakout confirmed by volume. The 20-bar channel includes the bar
 * that just closed (`donchianHigh20Pct` = C / max(H) - 1 <= 0), so a close
 * "at or above the 20-bar high" is a close within `edge` of the channel's
 * width from its top; with volume at least `volumeThreshold` times its
 * 20-bar mean it goes long. The mirror at the low goes short. A breakout on
 * ordinary volume is ignored: thin breakouts fail more often. The position is
 * held until the close falls back through `exitLevel` of the channel, then
 * flat; a confirmed opposite breakout flips it.
 *
 * Confidence = 0.5 + 0.25 * channel + 0.25 * volume, where
 * channel = clip((side-adjusted channel position - exitLevel) / (1 - exitLevel), 0, 1)
 * (1 at the breakout edge, 0 at the exit level) and
 * volume = clip((volRatio20 - 1) / (volumeFull - 1), 0, 1).
 */
export function momentumBreakout(params: Partial<MomentumBreakoutParams> = {}): Strategy {
  const p = { ...MOMENTUM_BREAKOUT_DEFAULTS, ...params };
  return {
    name: 'momentum-breakout',
    features: ['donchianHigh20Pct', 'donchianLow20Pct', 'volRatio20'],
    decide(f, prev): StrategyView {
      const pos = channelPosition(f.donchianHigh20Pct!, f.donchianLow20Pct!);
      const vol = f.volRatio20!;
      const confirmed = vol >= p.volumeThreshold && pos !== 0.5;
      let direction: Direction = prev;
      if (confirmed && pos >= 1 - p.edge) direction = 1;
      else if (confirmed && pos <= p.edge) direction = -1;
      else if (prev === 1 && pos < p.exitLevel) direction = 0;
      else if (prev === -1 && pos > 1 - p.exitLevel) direction = 0;
      if (direction === 0) return FLAT;
      const sidePos = direction === 1 ? pos : 1 - pos;
      const channel = clip01((sidePos - p.exitLevel) / (1 - p.exitLevel));
      const volume = clip01((vol - 1) / (p.volumeFull - 1));
      return { direction, confidence: 0.5 + 0.25 * channel + 0.25 * volume };
    },
  };
}

/**
 * Where the close sits in the 20-bar channel, 0 at the lowest low and 1 at
 * the highest high, recovered exactly from C / H - 1 and C / L - 1. A
 * zero-width channel counts as the middle.
 */
export function channelPosition(hiPct: number, loPct: number): number {
  const h = 1 / (1 + hiPct); // H / C
  const l = 1 / (1 + loPct); // L / C
  return h > l ? (1 - l) / (h - l) : 0.5;
}
