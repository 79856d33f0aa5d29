import type { Candle } from '../../../src/contracts/tiers.ts';
import { CandleSeries } from './CandleSeries.ts';
import { tfToMs } from './timeframe.ts';

/** Open candles of every instrument, as a snapshot carries them. */
export type OpenCandles = Record<string, Candle[]>;

/**
 * Candles for many instruments at several timeframes, from trades or bars in
 * time order per instrument. Pure and clock-free, so live ingestion, the
 * backtest and the training data are cut into the very same bars.
 */
export class CandleBuilder {
  readonly timeframes: readonly string[];
  readonly #series = new Map<string, CandleSeries>();

  constructor(timeframes: readonly string[]) {
    for (const tf of timeframes) tfToMs(tf);
    if (new Set(timeframes).size !== timeframes.length) throw new Error(`timeframes repeat: ${timeframes.join(', ')}`);
    this.timeframes = [...timeframes];
  }

  /** The instrument's series; hold on to it to skip the lookup per event. */
  series(symbol: string): CandleSeries {
    let s = this.#series.get(symbol);
    if (s === undefined) {
      s = new CandleSeries(this.timeframes);
      this.#series.set(symbol, s);
    }
    return s;
  }

  /** One event's OHLCV; the candles it closed, in timeframe order, or undefined. */
  push(symbol: string, ts: number, o: number, h: number, l: number, c: number, v: number): Candle[] | undefined {
    return this.series(symbol).push(ts, o, h, l, c, v);
  }

  snapshot(): OpenCandles {
    const out: OpenCandles = {};
    for (const [symbol, s] of this.#series) out[symbol] = s.open();
    return out;
  }

  restore(state: OpenCandles): void {
    this.#series.clear();
    for (const symbol of Object.keys(state)) this.series(symbol).load(state[symbol]!);
  }
}
