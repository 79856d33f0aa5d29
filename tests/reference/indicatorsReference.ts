/**
 * An independent implementation of the feature definitions documented in
 * modules/lib/indicators/FeatureEngine.ts and ExtendedFeatures.ts, written
 * from the textbook formulas and sharing no code with them: every windowed
 * statistic is recomputed from the full window at every bar (two-pass mean
 * and deviation, plain loops for extremes), and every recursive average is
 * run in its textbook form (Wilder's (prev * (p - 1) + x) / p, the EMA's
 * a * x + (1 - a) * prev, Wilder's running sums for the DMI). It is slow on
 * purpose: its only job is to be obviously right.
 */
export interface RefBar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

type Series = (number | undefined)[];

/** Features per bar (index = bar), only the defined ones. */
export function referenceFeatures(bars: readonly RefBar[], opts: { extended?: boolean } = {}): Record<string, number>[] {
  const n = bars.length;
  const C = bars.map((b) => b.close);
  const H = bars.map((b) => b.high);
  const L = bars.map((b) => b.low);
  const V = bars.map((b) => b.volume);

  const changes: Series = C.map((c, t) => (t === 0 ? undefined : c - C[t - 1]!));
  const gains = changes.map((d) => (d === undefined ? undefined : Math.max(d, 0)));
  const losses = changes.map((d) => (d === undefined ? undefined : Math.max(-d, 0)));
  const logReturns: Series = C.map((c, t) => (t === 0 ? undefined : Math.log(c / C[t - 1]!)));
  const trueRange: Series = bars.map((b, t) =>
    t === 0 ? undefined : Math.max(b.high - b.low, Math.abs(b.high - C[t - 1]!), Math.abs(b.low - C[t - 1]!)),
  );
  const plusDM: Series = bars.map((b, t) => {
    if (t === 0) return undefined;
    const up = b.high - H[t - 1]!;
    const down = L[t - 1]! - b.low;
    return up > down && up > 0 ? up : 0;
  });
  const minusDM: Series = bars.map((b, t) => {
    if (t === 0) return undefined;
    const up = b.high - H[t - 1]!;
    const down = L[t - 1]! - b.low;
    return down > up && down > 0 ? down : 0;
  });
  const obv: number[] = [];
  for (let t = 0; t < n; t++) {
    if (t === 0) obv.push(0);
    else obv.push(obv[t - 1]! + (C[t]! > C[t - 1]! ? V[t]! : C[t]! < C[t - 1]! ? -V[t]! : 0));
  }
  const typical = bars.map((b) => (b.high + b.low + b.close) / 3);

  const rsi14 = rsiSeries(gains, losses, 14);
  const ema12 = emaSeries(C, 12);
  const ema26 = emaSeries(C, 26);
  const macdLine: Series = C.map((_, t) => (ema26[t] === undefined ? undefined : ema12[t]! - ema26[t]!));
  const signal = emaSeries(macdLine, 9);
  const atr14 = wilderAverageSeries(trueRange, 14);
  const trSum = wilderSumSeries(trueRange, 14);
  const plusSum = wilderSumSeries(plusDM, 14);
  const minusSum = wilderSumSeries(minusDM, 14);
  const plusDI: Series = trSum.map((tr, t) => (tr === undefined ? undefined : tr === 0 ? 0 : (100 * plusSum[t]!) / tr));
  const minusDI: Series = trSum.map((tr, t) => (tr === undefined ? undefined : tr === 0 ? 0 : (100 * minusSum[t]!) / tr));
  const dx: Series = plusDI.map((p, t) => {
    if (p === undefined) return undefined;
    const m = minusDI[t]!;
    return p + m === 0 ? 0 : (100 * Math.abs(p - m)) / (p + m);
  });
  const adx = wilderAverageSeries(dx, 14);

  const out: Record<string, number>[] = [];
  for (let t = 0; t < n; t++) {
    const f: Record<string, number> = {};
    const c = C[t]!;
    for (const k of [1, 5, 20]) if (t >= k) f[`ret${k}`] = Math.log(c / C[t - k]!);
    if (t >= 10) f.roc10 = (c - C[t - 10]!) / C[t - 10]!;
    if (rsi14[t] !== undefined) f.rsi14 = rsi14[t]!;
    if (macdLine[t] !== undefined) f.macd = macdLine[t]! / c;
    if (signal[t] !== undefined) {
      f.macdSignal = signal[t]! / c;
      f.macdHist = (macdLine[t]! - signal[t]!) / c;
    }
    const w20 = lastN(C, t, 20);
    if (w20) {
      const m = mean(w20);
      const s = populationSd(w20);
      const upper = m + 2 * s;
      const lower = m - 2 * s;
      f.bbPctB = s === 0 ? 0.5 : (c - lower) / (upper - lower);
      f.bbWidth = (upper - lower) / m;
      f.zscore20 = s === 0 ? 0 : (c - m) / s;
    }
    if (atr14[t] !== undefined) {
      f.atr14Pct = atr14[t]! / c;
      f.plusDI14 = plusDI[t]!;
      f.minusDI14 = minusDI[t]!;
    }
    if (adx[t] !== undefined) f.adx14 = adx[t]!;
    const r20 = lastN(logReturns, t, 20);
    if (r20) f.rvol20 = sampleSd(r20);
    const v20 = lastN(V, t, 20);
    if (v20) {
      const m = mean(v20);
      const s = populationSd(v20);
      f.volZ20 = s === 0 ? 0 : (V[t]! - m) / s;
      f.volRatio20 = m === 0 ? 1 : V[t]! / m;
    }
    const o20 = lastN(obv, t, 20);
    if (o20) {
      const s = populationSd(o20);
      f.obvZ20 = s === 0 ? 0 : (obv[t]! - mean(o20)) / s;
    }
    const w10 = lastN(C, t, 10);
    if (w10) f.sma10Ratio = c / mean(w10) - 1;
    const w30 = lastN(C, t, 30);
    if (w30) {
      f.sma30Ratio = c / mean(w30) - 1;
      f.smaCross10_30 = mean(w10!) / mean(w30) - 1;
    }
    if (ema12[t] !== undefined) f.emaRatio12 = c / ema12[t]! - 1;
    if (ema26[t] !== undefined) f.emaRatio26 = c / ema26[t]! - 1;
    const h20 = lastN(H, t, 20);
    if (h20) {
      f.donchianHigh20Pct = c / Math.max(...h20) - 1;
      f.donchianLow20Pct = c / Math.min(...lastN(L, t, 20)!) - 1;
    }
    const h14 = lastN(H, t, 14);
    if (h14) {
      const hh = Math.max(...h14);
      const ll = Math.min(...lastN(L, t, 14)!);
      f.stochK14 = hh === ll ? 50 : ((c - ll) / (hh - ll)) * 100;
      f.williamsR14 = hh === ll ? -50 : ((hh - c) / (hh - ll)) * -100;
    }
    const tp20 = lastN(typical, t, 20);
    if (tp20) {
      const m = allEqual(tp20) ? tp20[0]! : mean(tp20);
      const d = mean(tp20.map((x) => Math.abs(x - m)));
      f.cci20 = d === 0 ? 0 : (typical[t]! - m) / (0.015 * d);
    }
    f.rangePct = (H[t]! - L[t]!) / c;
    f.closeLocation = H[t] === L[t] ? 0.5 : (c - L[t]!) / (H[t]! - L[t]!);
    out.push(f);
  }
  if (opts.extended === true) addExtended(bars, out, logReturns, gains, losses, trueRange);
  return out;
}

function addExtended(bars: readonly RefBar[], out: Record<string, number>[], logReturns: Series, gains: Series, losses: Series, trueRange: Series): void {
  const C = bars.map((b) => b.close);
  const rsi7 = rsiSeries(gains, losses, 7);
  const atr5 = wilderAverageSeries(trueRange, 5);
  const kama: Series = C.map(() => undefined);
  for (let t = 9; t < C.length; t++) {
    if (t === 9) {
      kama[t] = C[t];
      continue;
    }
    let path = 0;
    for (let i = t - 9; i <= t; i++) path += Math.abs(C[i]! - C[i - 1]!);
    const er = path === 0 ? 0 : Math.abs(C[t]! - C[t - 10]!) / path;
    const fast = 2 / (2 + 1);
    const slow = 2 / (30 + 1);
    const sc = Math.pow(er * (fast - slow) + slow, 2);
    kama[t] = kama[t - 1]! + sc * (C[t]! - kama[t - 1]!);
  }
  const logRange = bars.map((b) => Math.log(b.high / b.low) ** 2);
  for (let t = 0; t < C.length; t++) {
    const f = out[t]!;
    const c = C[t]!;
    if (rsi7[t] !== undefined) f.rsi7 = rsi7[t]!;
    if (atr5[t] !== undefined) f.atr5Pct = atr5[t]! / c;
    if (t >= 60) f.ret60 = Math.log(c / C[t - 60]!);
    if (t >= 10) f.kama10Ratio = c / kama[t]! - 1;
    const r5 = lastN(logReturns, t, 5);
    if (r5) {
      f.rvol5 = sampleSd(r5);
      if (f.rvol20 !== undefined) f.rvolRatio5_20 = f.rvol20 === 0 ? 1 : f.rvol5 / f.rvol20;
    }
    const lr = lastN(logRange, t, 20);
    if (lr) f.parkinson20 = Math.sqrt(mean(lr) / (4 * Math.log(2)));
  }
}

/** The n values ending at t, or undefined if any is missing. */
function lastN(xs: Series, t: number, n: number): number[] | undefined {
  if (t - n + 1 < 0) return undefined;
  const w = xs.slice(t - n + 1, t + 1);
  return w.every((x) => x !== undefined) ? (w as number[]) : undefined;
}

function allEqual(xs: number[]): boolean {
  return xs.every((x) => x === xs[0]);
}

function mean(xs: number[]): number {
  if (allEqual(xs)) return xs[0]!;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function sumSquaredDeviations(xs: number[]): number {
  if (allEqual(xs)) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s;
}

function populationSd(xs: number[]): number {
  return Math.sqrt(sumSquaredDeviations(xs) / xs.length);
}

function sampleSd(xs: number[]): number {
  return Math.sqrt(sumSquaredDeviations(xs) / (xs.length - 1));
}

/** EMA over the defined part of xs: seeded by the SMA of its first p values. */
function emaSeries(xs: Series, p: number): Series {
  const a = 2 / (p + 1);
  const out: Series = xs.map(() => undefined);
  const seed: number[] = [];
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t];
    if (x === undefined) continue;
    if (seed.length < p) {
      seed.push(x);
      if (seed.length === p) out[t] = seed.reduce((s, y) => s + y, 0) / p;
      continue;
    }
    out[t] = a * x + (1 - a) * out[t - 1]!;
  }
  return out;
}

/** Wilder's average: the SMA of the first p values, then (prev * (p - 1) + x) / p. */
function wilderAverageSeries(xs: Series, p: number): Series {
  const out: Series = xs.map(() => undefined);
  const seed: number[] = [];
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t];
    if (x === undefined) continue;
    if (seed.length < p) {
      seed.push(x);
      if (seed.length === p) out[t] = seed.reduce((s, y) => s + y, 0) / p;
      continue;
    }
    out[t] = (out[t - 1]! * (p - 1) + x) / p;
  }
  return out;
}

/** Wilder's running sum (DMI): the sum of the first p values, then prev - prev / p + x. */
function wilderSumSeries(xs: Series, p: number): Series {
  const out: Series = xs.map(() => undefined);
  const seed: number[] = [];
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t];
    if (x === undefined) continue;
    if (seed.length < p) {
      seed.push(x);
      if (seed.length === p) out[t] = seed.reduce((s, y) => s + y, 0);
      continue;
    }
    out[t] = out[t - 1]! - out[t - 1]! / p + x;
  }
  return out;
}

/** RSI = 100 - 100 / (1 + RS), RS = Wilder average gain / loss; 100 with no losses, 50 with no moves at all. */
function rsiSeries(gains: Series, losses: Series, p: number): Series {
  const g = wilderAverageSeries(gains, p);
  const l = wilderAverageSeries(losses, p);
  return g.map((ag, t) => {
    if (ag === undefined) return undefined;
    const al = l[t]!;
    if (al === 0) return ag === 0 ? 50 : 100;
    return 100 - 100 / (1 + ag / al);
  });
}
