import type { CandleLike } from './FeatureEngine.ts';
import { RingBuffer } from './RingBuffer.ts';
import { RollingWindow } from './RollingWindow.ts';
import { SmoothedAverage } from './SmoothedAverage.ts';
import { finite, integer, object, type StateObject } from './state.ts';

/**
 * The features v1.1 adds, same conventions as FEATURE_NAMES (bars counted
 * from this block's own first candle, so after an upgrade from a v1 snapshot
 * they warm up from the upgrade on while the v1 features continue).
 *
 * | name | definition | ready at |
 * |---|---|---|
 * | rsi7 | rsi14's definition with Wilder(7) | 8 |
 * | atr5Pct | Wilder(5) of TR / C | 6 |
 * | ret60 | ln(C / C[60]) | 61 |
 * | kama10Ratio | C / K - 1, Kaufman's adaptive MA: K seeded with C at bar 9, then K += sc * (C - K), sc = (ER * (2/3 - 2/31) + 2/31)^2, ER = abs(C - C[10]) / sum of abs(dC) over the last 10 bars (0 if that sum is 0) | 11 |
 * | rvol5 | sd(sample) of the last 5 one-bar log returns | 6 |
 * | rvolRatio5_20 | rvol5 / rvol20 (the v1 feature); 1 if rvol20 = 0 | both ready |
 * | parkinson20 | sqrt(mean(ln(H / L)^2 over the last 20 bars) / (4 ln 2)), Parkinson's range volatility per bar | 20 |
 */
export const EXTENDED_FEATURE_NAMES: readonly string[] = Object.freeze(['rsi7', 'atr5Pct', 'ret60', 'kama10Ratio', 'rvol5', 'rvolRatio5_20', 'parkinson20']);

const KAMA_FAST = 2 / 3;
const KAMA_SLOW = 2 / 31;
const PARKINSON = 1 / (4 * Math.LN2);

export class ExtendedFeatures {
  #count = 0;
  #close = 0;
  #kama = 0;
  readonly #closes = new RingBuffer(61);
  readonly #gain = SmoothedAverage.wilder(7);
  readonly #loss = SmoothedAverage.wilder(7);
  readonly #atr = SmoothedAverage.wilder(5);
  readonly #moves10 = new RollingWindow(10);
  readonly #returns5 = new RollingWindow(5);
  readonly #range20 = new RollingWindow(20);

  update(c: CandleLike): void {
    const close = c.close;
    if (this.#count > 0) {
      const prev = this.#close;
      const d = close - prev;
      this.#gain.push(d > 0 ? d : 0);
      this.#loss.push(d < 0 ? -d : 0);
      this.#atr.push(Math.max(c.high - c.low, Math.abs(c.high - prev), Math.abs(c.low - prev)));
      this.#moves10.push(Math.abs(d));
      this.#returns5.push(Math.log(close / prev));
    }
    const hl = Math.log(c.high / c.low);
    this.#range20.push(hl * hl);
    this.#closes.push(close);
    if (this.#count === 9) this.#kama = close;
    else if (this.#count >= 10) {
      const path = this.#moves10.mean() * 10;
      const er = path === 0 ? 0 : Math.abs(close - this.#closes.at(10)) / path;
      const sc = (er * (KAMA_FAST - KAMA_SLOW) + KAMA_SLOW) ** 2;
      this.#kama += sc * (close - this.#kama);
    }
    this.#close = close;
    this.#count++;
  }

  /** Writes the values from `v[at]` on, in EXTENDED_FEATURE_NAMES order (NaN: not ready). */
  compute(v: Float64Array, at: number, C: number, rvol20: number): void {
    if (this.#gain.ready) {
      const g = this.#gain.value;
      const s = g + this.#loss.value;
      v[at] = s === 0 ? 50 : (100 * g) / s; // rsi7
    }
    if (this.#atr.ready) v[at + 1] = this.#atr.value / C; // atr5Pct
    if (this.#count > 60) v[at + 2] = Math.log(C / this.#closes.at(60)); // ret60
    if (this.#count > 10) v[at + 3] = C / this.#kama - 1; // kama10Ratio
    if (this.#returns5.full) {
      const r5 = Math.sqrt(this.#returns5.sampleVariance());
      v[at + 4] = r5; // rvol5
      v[at + 5] = rvol20 === 0 ? 1 : r5 / rvol20; // rvolRatio5_20 (NaN while rvol20 is not ready)
    }
    if (this.#range20.full) v[at + 6] = Math.sqrt(this.#range20.mean() * PARKINSON); // parkinson20
  }

  toState(): StateObject {
    return {
      count: this.#count,
      close: this.#close,
      kama: this.#kama,
      closes: this.#closes.toState(),
      gain: this.#gain.toState(),
      loss: this.#loss.toState(),
      atr: this.#atr.toState(),
      moves10: this.#moves10.toState(),
      returns5: this.#returns5.toState(),
      range20: this.#range20.toState(),
    };
  }

  load(x: unknown, what: string): void {
    const s = object(x, what);
    this.#count = integer(s.count, `${what}.count`, 0);
    this.#close = finite(s.close, `${what}.close`);
    this.#kama = finite(s.kama, `${what}.kama`);
    this.#closes.load(s.closes, `${what}.closes`);
    this.#gain.load(s.gain, `${what}.gain`);
    this.#loss.load(s.loss, `${what}.loss`);
    this.#atr.load(s.atr, `${what}.atr`);
    this.#moves10.load(s.moves10, `${what}.moves10`);
    this.#returns5.load(s.returns5, `${what}.returns5`);
    this.#range20.load(s.range20, `${what}.range20`);
  }
}
