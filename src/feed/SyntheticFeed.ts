import type { RawMarketEvent } from '../contracts/tiers.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import { seededRandom } from '../util/seededRandom.ts';
import { BAD_KINDS, type BadKind } from './badData.ts';
import { intradayProfile } from './intradayProfile.ts';
import { REGIME_PARAMS, REGIMES, type Regime } from './regimes.ts';

export type FeedEvent = Omit<RawMarketEvent, 'seq'>;

export interface SyntheticFeedOptions {
  /** Number of instruments, named SYN000, SYN001, ... */
  symbols: number;
  seed: number;
  /** Event time of the first event, epoch ms; also the open of the first trading day. */
  start: number;
  /** Event time between consecutive events of one instrument (default 100: a 1m candle is ~600 events). */
  eventMs?: number;
  /** Share of events that are top-of-book quotes rather than trades (default 0.5). */
  quoteRatio?: number;
  /** Share of events replaced by bad data, every kind in turn at random (default 0). */
  badRate?: number;
  /** Length of the event-time trading day that shapes volume (default 6.5 h; days follow each other without a night). */
  sessionMs?: number;
  /** Volatility of log price over one trading day at the base level (default 0.02). */
  dailyVol?: number;
  /** Mean time an instrument stays in one regime, event time (default 30 minutes). */
  regimeMs?: number;
  /**
   * Opening price by symbol, e.g. a restarted session's last marks, so its
   * market carries on from where the last one left it. Symbols not named open
   * at their seeded price; names that are not among `symbols` are ignored.
   */
  initialPrices?: Readonly<Record<string, number>>;
}

export interface SyntheticFeedStats {
  events: number;
  trades: number;
  quotes: number;
  regimeSwitches: number;
  /** Bad events injected, by the reason ingestion will quarantine them for. */
  bad: Record<BadKind, number>;
}

/*
 * GARCH(1,1) per event: h' = omega + ALPHA * e^2 + BETA * h. ALPHA + BETA =
 * 0.99 gives a shock a half-life of ~70 events (7 s at 100 ms), and omega is
 * set per regime so the variance reverts to that regime's level: clustering
 * at the event scale from GARCH, at the candle scale from the regimes.
 */
const ALPHA = 0.05;
const BETA = 0.94;
const TICKS = 100;

/**
 * A seeded, reproducible market for any number of instruments: trades and
 * top-of-book quotes whose log returns follow GARCH(1,1) variance inside a
 * Markov chain of calm, volatile and trending regimes, with trade and quote
 * sizes following the intraday U-shape. Instruments take turns, each
 * `eventMs` of event time apart, so event time never goes backwards across
 * the stream (bad data aside). `next(n)` is O(n) and allocates only the
 * events it returns.
 */
export class SyntheticFeed {
  readonly symbols: string[];
  readonly #rand: () => number;
  readonly #n: number;
  readonly #start: number;
  readonly #eventMs: number;
  readonly #quoteRatio: number;
  readonly #badRate: number;
  readonly #sessionMs: number;
  readonly #switchP: number;
  /** Per-event variance at the base level. */
  readonly #baseVar: number;
  readonly #price: Float64Array;
  readonly #h: Float64Array;
  readonly #regime: Uint8Array;
  /** Sign of the trend while trending. */
  readonly #trend: Int8Array;
  /** Last good trade ts per instrument (NaN before one), to aim timestamp faults at. */
  readonly #lastTrade: Float64Array;
  #round = 0;
  #i = 0;
  #spare = Number.NaN;
  readonly #stats: SyntheticFeedStats;

  constructor(opts: SyntheticFeedOptions) {
    const { symbols, seed, start, eventMs = 100, quoteRatio = 0.5, badRate = 0, sessionMs = 23_400_000, dailyVol = 0.02, regimeMs = 1_800_000, initialPrices = {} } = opts;
    check(Number.isInteger(symbols) && symbols >= 1 && symbols <= 100_000, 'symbols', symbols);
    check(Number.isFinite(seed), 'seed', seed);
    check(Number.isFinite(start), 'start', start);
    check(eventMs > 0 && Number.isFinite(eventMs), 'eventMs', eventMs);
    check(quoteRatio >= 0 && quoteRatio <= 1, 'quoteRatio', quoteRatio);
    check(badRate >= 0 && badRate <= 1, 'badRate', badRate);
    check(sessionMs >= eventMs && Number.isFinite(sessionMs), 'sessionMs', sessionMs);
    check(dailyVol > 0 && dailyVol < 10, 'dailyVol', dailyVol);
    check(regimeMs >= eventMs && Number.isFinite(regimeMs), 'regimeMs', regimeMs);
    this.#rand = seededRandom(seed);
    this.#n = symbols;
    this.#start = start;
    this.#eventMs = eventMs;
    this.#quoteRatio = quoteRatio;
    this.#badRate = badRate;
    this.#sessionMs = sessionMs;
    this.#switchP = eventMs / regimeMs;
    this.#baseVar = (dailyVol * dailyVol * eventMs) / sessionMs;
    this.symbols = Array.from({ length: symbols }, (_, i) => `SYN${String(i).padStart(3, '0')}`);
    // The seeded price is drawn even when overridden, so the rest of the stream is the same with or without initialPrices.
    this.#price = Float64Array.from(this.symbols, (s) => {
      const seeded = 50 + this.#rand() * 150;
      const given = Object.hasOwn(initialPrices, s) ? initialPrices[s] : undefined;
      if (given === undefined) return seeded;
      check(Number.isFinite(given) && given > 0, `initialPrices.${s}`, given);
      return given;
    });
    this.#regime = Uint8Array.from(this.symbols, () => Math.floor(this.#rand() * REGIMES.length));
    this.#trend = Int8Array.from(this.symbols, () => (this.#rand() < 0.5 ? -1 : 1));
    this.#h = Float64Array.from(this.#regime, (r) => this.#regimeVar(r));
    this.#lastTrade = new Float64Array(symbols).fill(Number.NaN);
    this.#stats = { events: 0, trades: 0, quotes: 0, regimeSwitches: 0, bad: Object.fromEntries(BAD_KINDS.map((k) => [k, 0])) as Record<BadKind, number> };
  }

  /** The next `n` events, instruments in turn. */
  next(n: number): FeedEvent[] {
    const out: FeedEvent[] = new Array(n);
    const rand = this.#rand;
    for (let k = 0; k < n; k++) {
      const i = this.#i;
      const ts = this.#start + this.#round * this.#eventMs + Math.floor((i * this.#eventMs) / this.#n);
      if (++this.#i === this.#n) {
        this.#i = 0;
        this.#round++;
      }
      const price = this.#step(i);
      const profile = intradayProfile(((ts - this.#start) % this.#sessionMs) / this.#sessionMs);
      const symbol = this.symbols[i]!;
      if (this.#badRate > 0 && rand() < this.#badRate) {
        out[k] = this.#bad(i, symbol, ts, price);
      } else if (rand() < this.#quoteRatio) {
        // Spread widens with volatility, as market makers widen it; at least one tick.
        const spread = Math.max(1, Math.round(price * TICKS * 2e-4 * Math.sqrt(this.#h[i]! / this.#baseVar)));
        const bid = Math.round(price * TICKS - spread / 2);
        out[k] = {
          symbol,
          ts,
          kind: 'quote',
          bid: bid / TICKS,
          ask: (bid + spread) / TICKS,
          bidSize: Math.max(1, Math.round(profile * 100 * (0.5 + rand()))),
          askSize: Math.max(1, Math.round(profile * 100 * (0.5 + rand()))),
        };
        this.#stats.quotes++;
      } else {
        out[k] = { symbol, ts, kind: 'trade', price: Math.round(price * TICKS) / TICKS, size: Math.max(1, Math.round(-Math.log(1 - rand()) * 40 * profile)) };
        this.#lastTrade[i] = ts;
        this.#stats.trades++;
      }
    }
    this.#stats.events += n;
    return out;
  }

  /** Current regime per instrument, in `symbols` order. */
  regimes(): Regime[] {
    return Array.from(this.#regime, (r) => REGIMES[r]!);
  }

  stats(): SyntheticFeedStats {
    return { ...this.#stats, bad: { ...this.#stats.bad } };
  }

  /** Advances instrument `i` by one event (regime, GARCH variance, price) and returns its new price. */
  #step(i: number): number {
    const rand = this.#rand;
    if (rand() < this.#switchP) {
      // Move to one of the other regimes, uniformly; a new trend picks a new direction.
      const r = (this.#regime[i]! + 1 + Math.floor(rand() * (REGIMES.length - 1))) % REGIMES.length;
      this.#regime[i] = r;
      this.#trend[i] = rand() < 0.5 ? -1 : 1;
      this.#stats.regimeSwitches++;
    }
    const r = this.#regime[i]!;
    const target = this.#regimeVar(r);
    const h = this.#h[i]!;
    const shock = Math.sqrt(h) * this.#gauss();
    this.#h[i] = target * (1 - ALPHA - BETA) + ALPHA * shock * shock + BETA * h;
    const drift = REGIME_PARAMS[REGIMES[r]!].drift * this.#trend[i]! * Math.sqrt(target);
    return (this.#price[i] = this.#price[i]! * Math.exp(drift + shock));
  }

  #regimeVar(r: number): number {
    const m = REGIME_PARAMS[REGIMES[r]!].vol;
    return this.#baseVar * m * m;
  }

  /** One bad event in place of a good one; each kind is one a careless real feed sends. */
  #bad(i: number, symbol: string, ts: number, price: number): FeedEvent {
    const rand = this.#rand;
    let kind: BadKind = BAD_KINDS[Math.floor(rand() * BAD_KINDS.length)]!;
    const last = this.#lastTrade[i]!;
    // A timestamp fault needs an earlier good trade to collide with or precede.
    if (last !== last && (kind === 'out-of-order timestamp' || kind === 'duplicate timestamp')) kind = 'missing number';
    this.#stats.bad[kind]++;
    const ticks = Math.round(price * TICKS);
    const p = ticks / TICKS;
    switch (kind) {
      case 'missing number':
        return { symbol, ts, kind: 'trade', size: 10 };
      case 'non-positive price':
        return { symbol, ts, kind: 'trade', price: rand() < 0.5 ? 0 : -p, size: 10 };
      case 'negative size':
        return { symbol, ts, kind: 'trade', price: p, size: -10 };
      case 'crossed or locked quote':
        return { symbol, ts, kind: 'quote', bid: p, ask: rand() < 0.5 ? p : (ticks - 1) / TICKS, bidSize: 100, askSize: 100 };
      case 'inconsistent OHLC':
        return { symbol, ts, kind: 'bar', open: p, high: p * 0.99, low: p * 0.98, close: p, volume: 100 };
      case 'out-of-order timestamp':
        return { symbol, ts: last - 1, kind: 'trade', price: p, size: 10 };
      case 'duplicate timestamp':
        return { symbol, ts: last, kind: 'trade', price: p, size: 10 };
    }
  }

  #gauss(): number {
    // Box-Muller yields two normals per pair of uniforms; keeping the second halves the cost.
    const s = this.#spare;
    if (s === s) {
      this.#spare = Number.NaN;
      return s;
    }
    const u = 1 - this.#rand();
    const v = 2 * Math.PI * this.#rand();
    const m = Math.sqrt(-2 * Math.log(u));
    this.#spare = m * Math.sin(v);
    return m * Math.cos(v);
  }
}

function check(ok: boolean, name: string, value: unknown): void {
  if (!ok) throw new HeliosError('HELIOS_E_INPUT_INVALID', `SyntheticFeed: option ${name} = ${String(value)} is out of range`, { option: name, value: String(value) });
}
