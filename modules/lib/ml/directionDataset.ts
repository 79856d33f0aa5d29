import { EXTENDED_FEATURE_NAMES, FeatureEngine } from '../indicators/FeatureEngine.ts';
import type { DailyBar } from './ohlcvCsv.ts';

/** Rows of (features at a bar's close, did the next bar close higher). */
export interface DirectionDataset {
  features: readonly string[];
  /** Date of the bar whose close the row's features describe. */
  dates: string[];
  x: number[][];
  /** 1 when the next bar's close is above this bar's close, else 0. */
  y: number[];
}

/**
 * Runs the same FeatureEngine the live features tier runs over the bars, one
 * update per bar (extended only when a wanted feature needs it), and keeps a
 * row once every wanted feature is warm. The last
 * bar has no next close and yields no row.
 */
export function buildDirectionDataset(bars: readonly DailyBar[], features: readonly string[]): DirectionDataset {
  const engine = new FeatureEngine({ extended: features.some((f) => EXTENDED_FEATURE_NAMES.includes(f)) });
  const out: DirectionDataset = { features, dates: [], x: [], y: [] };
  for (let i = 0; i < bars.length - 1; i++) {
    const bar = bars[i]!;
    engine.update(bar);
    const values = engine.values();
    const row: number[] = [];
    for (const name of features) {
      const v = values[name];
      if (v === undefined || !Number.isFinite(v)) break;
      row.push(v);
    }
    if (row.length !== features.length) continue;
    out.dates.push(bar.date);
    out.x.push(row);
    out.y.push(bars[i + 1]!.close > bar.close ? 1 : 0);
  }
  return out;
}
