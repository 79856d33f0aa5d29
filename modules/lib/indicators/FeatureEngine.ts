import { ExtendedFeatures, EXTENDED_FEATURE_NAMES } from './ExtendedFeatures.ts';
import { MonotonicDeque } from './MonotonicDeque.ts';
import { RingBuffer } from './RingBuffer.ts';
import { RollingWindow } from './RollingWindow.ts';
import { SmoothedAverage } from './SmoothedAverage.ts';
import { finite, integer, object, type StateObject } from './state.ts';

export { EXTENDED_FEATURE_NAMES } from './ExtendedFeatures.ts';

export interface CandleLike {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * The v1 features of one bar series, every one scale-free so a model can use
 * it across instruments and timeframes. Bars are counted from 0 (the first
 * candle); "ready at N" means the value exists once N candles have been seen.
 * C, H, L, V are the current bar's close, high, low, volume; C[k] is k bars ago.
 * A "Wilder(p)" average and an "EMA(p)" are seeded by the simple mean of their
 * first p inputs, then avg += a * (x - avg) with a = 1/p and 2/(p+1).
 * sd(pop) divides by n, sd(sample) by n - 1. Where a ratio is 0/0 because
 * its window is flat, the neutral value given is used, never NaN.
 *
 * | name | definition | ready at |
 * |---|---|---|
 * | ret1, ret5, ret20 | ln(C / C[n]) | n + 1 |
 * | roc10 | C / C[10] - 1 | 11 |
 * | rsi14 | 100 * G / (G + L), G, L = Wilder(14) of the gains max(dC, 0) and losses max(-dC, 0), dC = C - C[1]; 50 if G + L = 0 | 15 |
 * | macd | (EMA12(C) - EMA26(C)) / C | 26 |
 * | macdSignal | S / C, S = EMA9 of the unscaled macd line (fed from bar 25) | 34 |
 * | macdHist | (macd line - S) / C | 34 |
 * | bbPctB | (C - (M - 2s)) / (4s), M = SMA20(C), s = sd(pop) of the 20 closes; 0.5 if s = 0 | 20 |
 * | bbWidth | 4s / M | 20 |
 * | zscore20 | (C - M) / s; 0 if s = 0 | 20 |
 * | atr14Pct | Wilder(14) of TR / C, TR = max(H - L, abs(H - C[1]), abs(L - C[1])) from bar 1 | 15 |
 * | plusDI14, minusDI14 | 100 * Wilder(14) of +DM (-DM) / Wilder(14) of TR; +DM = up if up > down and up > 0 else 0, up = H - H[1], down = L[1] - L (-DM mirrored); 0 if the TR average is 0 | 15 |
 * | adx14 | Wilder(14) of DX, DX = 100 * abs(+DI - -DI) / (+DI + -DI) (0 if the sum is 0), fed from bar 14 | 28 |
 * | rvol20 | sd(sample) of the last 20 one-bar log returns ln(C / C[1]) (per bar, not annualised) | 21 |
 * | volZ20 | (V - mean) / sd(pop) over the last 20 volumes; 0 if sd = 0 | 20 |
 * | volRatio20 | V / SMA20(V); 1 if that mean is 0 | 20 |
 * | obvZ20 | (OBV - mean) / sd(pop) over the last 20 OBV values; OBV starts at 0 on bar 0 and adds sign(C - C[1]) * V; 0 if sd = 0 | 20 |
 * | sma10Ratio, sma30Ratio | C / SMA_n(C) - 1 | n |
 * | smaCross10_30 | SMA10(C) / SMA30(C) - 1 | 30 |
 * | emaRatio12, emaRatio26 | C / EMA_n(C) - 1 | n |
 * | donchianHigh20Pct | C / max(H over the last 20 bars) - 1 (<= 0) | 20 |
 * | donchianLow20Pct | C / min(L over the last 20 bars) - 1 (>= 0) | 20 |
 * | stochK14 | 100 * (C - LL) / (HH - LL), HH, LL = max H, min L over the last 14 bars; 50 if HH = LL | 14 |
 * | williamsR14 | -100 * (HH - C) / (HH - LL); -50 if HH = LL | 14 |
 * | cci20 | (TP - M) / (0.015 * D), TP = (H + L + C) / 3, M = SMA20(TP), D = mean abs(TP - M) over the 20; 0 if D = 0 | 20 |
 * | rangePct | (H - L) / C | 1 |
 * | closeLocation | (C - L) / (H - L); 0.5 if H = L | 1 |
 */
export const FEATURE_NAMES: readonly string[] = Object.freeze([
  'ret1', 'ret5', 'ret20', 'roc10', 'rsi14', 'macd', 'macdSignal', 'macdHist', 'bbPctB', 'bbWidth', 'zscore20',
  'atr14Pct', 'adx14', 'plusDI14', 'minusDI14', 'rvol20', 'volZ20', 'volRatio20', 'obvZ20', 'sma10Ratio',
  'sma30Ratio', 'smaCross10_30', 'emaRatio12', 'emaRatio26', 'donchianHigh20Pct', 'donchianLow20Pct',
  'stochK14', 'williamsR14', 'cci20', 'rangePct', 'closeLocation',
]);

const STATE_KIND = 'helios.FeatureEngine';
const STATE_FORMAT = 1;

/**
 * The features of one bar series (one instrument at one timeframe), updated
 * candle by candle in O(1) amortised: ring buffers, running sums that are
 * rebased from their buffer once per window, monotonic deques for rolling
 * extremes. Values agree with a full recomputation to ~1e-12 (the tests hold
 * them to 1e-9 against an independent implementation).
 */
export class FeatureEngine {
  #count = 0;
  #high = 0;
  #low = 0;
  #close = 0;
  #volume = 0;
  #obv = 0;
  readonly #closes = new RingBuffer(21);
  readonly #gain = SmoothedAverage.wilder(14);
  readonly #loss = SmoothedAverage.wilder(14);
  readonly #ema12 = SmoothedAverage.ema(12);
  readonly #ema26 = SmoothedAverage.ema(26);
  readonly #signal = SmoothedAverage.ema(9);
  readonly #atr = SmoothedAverage.wilder(14);
  readonly #plusDM = SmoothedAverage.wilder(14);
  readonly #minusDM = SmoothedAverage.wilder(14);
  readonly #adx = SmoothedAverage.wilder(14);
  readonly #close10 = new RollingWindow(10);
  readonly #close20 = new RollingWindow(20);
  readonly #close30 = new RollingWindow(30);
  readonly #returns20 = new RollingWindow(20);
  readonly #volume20 = new RollingWindow(20);
  readonly #obv20 = new RollingWindow(20);
  readonly #typical20 = new RollingWindow(20);
  readonly #high20 = new MonotonicDeque(20, true);
  readonly #low20 = new MonotonicDeque(20, false);
  readonly #high14 = new MonotonicDeque(14, true);
  readonly #low14 = new MonotonicDeque(14, false);
  #ext: ExtendedFeatures | null;
  readonly #names: readonly string[];
  readonly #scratch: Float64Array;
  /** Keys for the last prefix asked for, so values() builds no strings per call. */
  #keys: string[] = [];
  #keysPrefix: string | null = null;

  constructor(opts: { extended?: boolean } = {}) {
    this.#ext = opts.extended === true ? new ExtendedFeatures() : null;
    this.#names = this.#ext === null ? FEATURE_NAMES : [...FEATURE_NAMES, ...EXTENDED_FEATURE_NAMES];
    this.#scratch = new Float64Array(this.#names.length);
  }

  /** Candles seen. */
  get count(): number {
    return this.#count;
  }

  get extended(): boolean {
    return this.#ext !== null;
  }

  /** Every feature name this engine can produce, in order. */
  get names(): readonly string[] {
    return this.#names;
  }

  update(c: CandleLike): void {
    const { high: h, low: l, close, volume: v } = c;
    if (this.#count > 0) {
      const prev = this.#close;
      const d = close - prev;
      this.#gain.push(d > 0 ? d : 0);
      this.#loss.push(d < 0 ? -d : 0);
      this.#returns20.push(Math.log(close / prev));
      this.#obv += d > 0 ? v : d < 0 ? -v : 0;
      const tr = Math.max(h - l, Math.abs(h - prev), Math.abs(l - prev));
      const up = h - this.#high;
      const down = this.#low - l;
      this.#atr.push(tr);
      this.#plusDM.push(up > down && up > 0 ? up : 0);
      this.#minusDM.push(down > up && down > 0 ? down : 0);
      if (this.#atr.ready) {
        const a = this.#atr.value;
        const pdi = a === 0 ? 0 : (100 * this.#plusDM.value) / a;
        const mdi = a === 0 ? 0 : (100 * this.#minusDM.value) / a;
        const sum = pdi + mdi;
        this.#adx.push(sum === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / sum);
      }
    }
    this.#closes.push(close);
    this.#ema12.push(close);
    this.#ema26.push(close);
    if (this.#ema26.ready) this.#signal.push(this.#ema12.value - this.#ema26.value);
    this.#close10.push(close);
    this.#close20.push(close);
    this.#close30.push(close);
    this.#volume20.push(v);
    this.#obv20.push(this.#obv);
    this.#typical20.push((h + l + close) / 3);
    this.#high20.push(h);
    this.#low20.push(l);
    this.#high14.push(h);
    this.#low14.push(l);
    this.#ext?.update(c);
    this.#high = h;
    this.#low = l;
    this.#close = close;
    this.#volume = v;
    this.#count++;
  }

  /** Finite, warmed-up features into `out` (keys `${prefix}${name}`); returns `out`. */
  values(out: Record<string, number> = {}, prefix = ''): Record<string, number> {
    const v = this.#scratch;
    v.fill(Number.NaN);
    if (this.#count > 0) this.#compute(v);
    if (prefix !== this.#keysPrefix) {
      this.#keys = this.#names.map((n) => prefix + n);
      this.#keysPrefix = prefix;
    }
    const keys = this.#keys;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x - x === 0) out[keys[i]!] = x;
    }
    return out;
  }

  #compute(v: Float64Array): void {
    const n = this.#count;
    const C = this.#close;
    const H = this.#high;
    const L = this.#low;
    const closes = this.#closes;
    if (n > 1) v[0] = Math.log(C / closes.at(1)); // ret1
    if (n > 5) v[1] = Math.log(C / closes.at(5)); // ret5
    if (n > 20) v[2] = Math.log(C / closes.at(20)); // ret20
    if (n > 10) v[3] = C / closes.at(10) - 1; // roc10
    if (this.#gain.ready) {
      const g = this.#gain.value;
      const s = g + this.#loss.value;
      v[4] = s === 0 ? 50 : (100 * g) / s; // rsi14
    }
    if (this.#ema26.ready) {
      const line = this.#ema12.value - this.#ema26.value;
      v[5] = line / C; // macd
      if (this.#signal.ready) {
        v[6] = this.#signal.value / C; // macdSignal
        v[7] = (line - this.#signal.value) / C; // macdHist
      }
    }
    const w20 = this.#close20;
    if (w20.full) {
      const m = w20.mean();
      const s = Math.sqrt(w20.variance());
      v[8] = s === 0 ? 0.5 : (C - (m - 2 * s)) / (4 * s); // bbPctB
      v[9] = (4 * s) / m; // bbWidth
      v[10] = s === 0 ? 0 : (C - m) / s; // zscore20
    }
    if (this.#atr.ready) {
      const a = this.#atr.value;
      v[11] = a / C; // atr14Pct
      v[13] = a === 0 ? 0 : (100 * this.#plusDM.value) / a; // plusDI14
      v[14] = a === 0 ? 0 : (100 * this.#minusDM.value) / a; // minusDI14
    }
    if (this.#adx.ready) v[12] = this.#adx.value; // adx14
    if (this.#returns20.full) v[15] = Math.sqrt(this.#returns20.sampleVariance()); // rvol20
    const vol = this.#volume20;
    if (vol.full) {
      const m = vol.mean();
      const s = Math.sqrt(vol.variance());
      v[16] = s === 0 ? 0 : (this.#volume - m) / s; // volZ20
      v[17] = m === 0 ? 1 : this.#volume / m; // volRatio20
    }
    const obv = this.#obv20;
    if (obv.full) {
      const s = Math.sqrt(obv.variance());
      v[18] = s === 0 ? 0 : (this.#obv - obv.mean()) / s; // obvZ20
    }
    if (this.#close10.full) v[19] = C / this.#close10.mean() - 1; // sma10Ratio
    if (this.#close30.full) {
      v[20] = C / this.#close30.mean() - 1; // sma30Ratio
      v[21] = this.#close10.mean() / this.#close30.mean() - 1; // smaCross10_30
    }
    if (this.#ema12.ready) v[22] = C / this.#ema12.value - 1; // emaRatio12
    if (this.#ema26.ready) v[23] = C / this.#ema26.value - 1; // emaRatio26
    if (this.#high20.full) {
      v[24] = C / this.#high20.value() - 1; // donchianHigh20Pct
      v[25] = C / this.#low20.value() - 1; // donchianLow20Pct
    }
    if (this.#high14.full) {
      const hh = this.#high14.value();
      const ll = this.#low14.value();
      v[26] = hh === ll ? 50 : (100 * (C - ll)) / (hh - ll); // stochK14
      v[27] = hh === ll ? -50 : (-100 * (hh - C)) / (hh - ll); // williamsR14
    }
    const tp = this.#typical20;
    if (tp.full) {
      const m = tp.exactMean();
      const d = tp.meanAbsDeviation(m);
      v[28] = d === 0 ? 0 : (tp.newest() - m) / (0.015 * d); // cci20
    }
    v[29] = (H - L) / C; // rangePct
    v[30] = H === L ? 0.5 : (C - L) / (H - L); // closeLocation
    if (this.#ext !== null) this.#ext.compute(v, FEATURE_NAMES.length, C, this.#returns20.full ? Math.sqrt(this.#returns20.sampleVariance()) : Number.NaN);
  }

  /** Structured-clone- and JSON-safe (finite numbers only). */
  toState(): StateObject {
    return {
      kind: STATE_KIND,
      format: STATE_FORMAT,
      count: this.#count,
      high: this.#high,
      low: this.#low,
      close: this.#close,
      volume: this.#volume,
      obv: this.#obv,
      closes: this.#closes.toState(),
      gain: this.#gain.toState(),
      loss: this.#loss.toState(),
      ema12: this.#ema12.toState(),
      ema26: this.#ema26.toState(),
      signal: this.#signal.toState(),
      atr: this.#atr.toState(),
      plusDM: this.#plusDM.toState(),
      minusDM: this.#minusDM.toState(),
      adx: this.#adx.toState(),
      close10: this.#close10.toState(),
      close20: this.#close20.toState(),
      close30: this.#close30.toState(),
      returns20: this.#returns20.toState(),
      volume20: this.#volume20.toState(),
      obv20: this.#obv20.toState(),
      typical20: this.#typical20.toState(),
      high20: this.#high20.toState(),
      low20: this.#low20.toState(),
      high14: this.#high14.toState(),
      low14: this.#low14.toState(),
      ext: this.#ext === null ? null : this.#ext.toState(),
    };
  }

  /**
   * An engine from `toState()`. The state says whether it was extended;
   * `opts.extended: true` upgrades a v1 state, whose v1 indicators continue
   * while the extended ones start warming up from here.
   */
  static fromState(x: object, opts: { extended?: boolean } = {}): FeatureEngine {
    const s = object(x, 'engine');
    if (s.kind !== STATE_KIND || s.format !== STATE_FORMAT) throw new Error(`indicators state: not a ${STATE_KIND} format ${STATE_FORMAT}`);
    const hasExt = s.ext !== null && s.ext !== undefined;
    const e = new FeatureEngine({ extended: hasExt || opts.extended === true });
    e.#count = integer(s.count, 'count', 0);
    e.#high = finite(s.high, 'high');
    e.#low = finite(s.low, 'low');
    e.#close = finite(s.close, 'close');
    e.#volume = finite(s.volume, 'volume');
    e.#obv = finite(s.obv, 'obv');
    e.#closes.load(s.closes, 'closes');
    e.#gain.load(s.gain, 'gain');
    e.#loss.load(s.loss, 'loss');
    e.#ema12.load(s.ema12, 'ema12');
    e.#ema26.load(s.ema26, 'ema26');
    e.#signal.load(s.signal, 'signal');
    e.#atr.load(s.atr, 'atr');
    e.#plusDM.load(s.plusDM, 'plusDM');
    e.#minusDM.load(s.minusDM, 'minusDM');
    e.#adx.load(s.adx, 'adx');
    e.#close10.load(s.close10, 'close10');
    e.#close20.load(s.close20, 'close20');
    e.#close30.load(s.close30, 'close30');
    e.#returns20.load(s.returns20, 'returns20');
    e.#volume20.load(s.volume20, 'volume20');
    e.#obv20.load(s.obv20, 'obv20');
    e.#typical20.load(s.typical20, 'typical20');
    e.#high20.load(s.high20, 'high20');
    e.#low20.load(s.low20, 'low20');
    e.#high14.load(s.high14, 'high14');
    e.#low14.load(s.low14, 'low14');
    if (hasExt) e.#ext!.load(s.ext, 'ext');
    return e;
  }
}
