import { GarchTracker, isGarchTrackerState, type GarchTrackerOptions, type GarchTrackerState } from './GarchTracker.ts';

export interface VolBookEntry {
  [key: string]: unknown;
  price: number;
  ts: number;
  tracker: GarchTrackerState;
}

export type VolBookState = Record<string, VolBookEntry>;

/** A new return and the variance that was forecast for it (null when there was none yet). */
export interface Observation {
  ret: number;
  forecastVariance: number | null;
}

interface Lane {
  price: number;
  ts: number;
  tracker: GarchTracker;
}

/**
 * Per-symbol variance trackers fed by the prices signals carry. Several
 * signals of one bar close share a price and a ts, so a symbol's tracker
 * advances once per new ts, on the log return since the last one; an older
 * ts (a replay, a straggler) is ignored rather than read as a return.
 *
 * Refits are expensive (a few ms each) and every symbol reaches its refit on
 * the same bar, so at most `maxFitsPerBatch` refits run per batch; the others
 * wait for a later batch.
 */
export class VolBook {
  readonly options: GarchTrackerOptions;
  readonly maxFitsPerBatch: number;
  #lanes = new Map<string, Lane>();
  #fitsLeft: number;

  constructor(options: GarchTrackerOptions, maxFitsPerBatch: number) {
    this.options = options;
    this.maxFitsPerBatch = maxFitsPerBatch;
    this.#fitsLeft = maxFitsPerBatch;
  }

  beginBatch(): void {
    this.#fitsLeft = this.maxFitsPerBatch;
  }

  observe(symbol: string, ts: number, price: number): Observation | null {
    const lane = this.#lanes.get(symbol);
    if (!lane) {
      this.#lanes.set(symbol, { price, ts, tracker: new GarchTracker(this.options) });
      return null;
    }
    if (!(ts > lane.ts)) return null;
    const ret = Math.log(price / lane.price);
    const forecastVariance = lane.tracker.variance();
    const before = lane.tracker.fits + lane.tracker.failedFits;
    lane.tracker.update(ret, this.#fitsLeft > 0);
    if (lane.tracker.fits + lane.tracker.failedFits !== before) this.#fitsLeft--;
    lane.price = price;
    lane.ts = ts;
    return { ret, forecastVariance };
  }

  tracker(symbol: string): GarchTracker | undefined {
    return this.#lanes.get(symbol)?.tracker;
  }

  /** Forecast per-period return volatility (a fraction), or null before the first return. */
  sigma(symbol: string): number | null {
    const v = this.#lanes.get(symbol)?.tracker.variance();
    return v === undefined || v === null ? null : Math.sqrt(v);
  }

  toState(): VolBookState {
    return Object.fromEntries([...this.#lanes].map(([s, l]) => [s, { price: l.price, ts: l.ts, tracker: l.tracker.toState() }]));
  }

  static fromState(state: unknown, options: GarchTrackerOptions, maxFitsPerBatch: number): VolBook {
    const book = new VolBook(options, maxFitsPerBatch);
    if (typeof state !== 'object' || state === null) throw new TypeError('vol book state must be an object');
    for (const [symbol, e] of Object.entries(state as Record<string, unknown>)) {
      const entry = e as Partial<VolBookEntry> | null;
      if (!entry || typeof entry.price !== 'number' || !(entry.price > 0) || typeof entry.ts !== 'number' || !isGarchTrackerState(entry.tracker)) {
        throw new TypeError(`vol book state for ${symbol} is malformed`);
      }
      book.#lanes.set(symbol, { price: entry.price, ts: entry.ts, tracker: GarchTracker.fromState(entry.tracker, options) });
    }
    return book;
  }
}
