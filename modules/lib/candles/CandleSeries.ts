import type { Candle } from '../../../src/contracts/tiers.ts';
import { bucketStart, tfToMs } from './timeframe.ts';

/** Slots per open candle in the state array. */
const W = 7;
const START = 0;
const OPEN = 1;
const HIGH = 2;
const LOW = 3;
const CLOSE = 4;
const VOLUME = 5;
const COUNT = 6;

/**
 * The open candles of one instrument, one per timeframe, kept in one typed
 * array so that pushing an event allocates nothing unless a candle closes.
 *
 * A candle closes when an event falls in a later bucket: that event gets the
 * finished candle and opens the next one. Buckets with no events produce no
 * candle (a gap stays a gap, nothing is invented). An event for a bucket
 * older than the open one cannot change a candle already published, so it is
 * left out of the candles (ingestion's timestamp order makes this rare: only
 * bars and trades of one instrument interleaving out of order).
 */
export class CandleSeries {
  readonly timeframes: readonly string[];
  readonly #ms: Float64Array;
  /** W slots per timeframe; START is NaN while no candle is open. */
  readonly #s: Float64Array;

  constructor(timeframes: readonly string[]) {
    this.timeframes = timeframes;
    this.#ms = Float64Array.from(timeframes, tfToMs);
    this.#s = new Float64Array(timeframes.length * W).fill(Number.NaN);
  }

  /** Adds one event's OHLCV (a trade is o = h = l = c = price, v = size); returns the candles it closed, in timeframe order. */
  push(ts: number, o: number, h: number, l: number, c: number, v: number): Candle[] | undefined {
    const s = this.#s;
    let closed: Candle[] | undefined;
    for (let j = 0, k = 0; j < this.#ms.length; j++, k += W) {
      const b = bucketStart(ts, this.#ms[j]!);
      const open = s[k + START]!;
      if (b === open) {
        if (h > s[k + HIGH]!) s[k + HIGH] = h;
        if (l < s[k + LOW]!) s[k + LOW] = l;
        s[k + CLOSE] = c;
        s[k + VOLUME] = s[k + VOLUME]! + v;
        s[k + COUNT] = s[k + COUNT]! + 1;
        continue;
      }
      if (b < open) continue;
      // open === open: not NaN, so a candle was open and this event closes it.
      if (open === open) (closed ??= []).push(this.#candle(j));
      s[k + START] = b;
      s[k + OPEN] = o;
      s[k + HIGH] = h;
      s[k + LOW] = l;
      s[k + CLOSE] = c;
      s[k + VOLUME] = v;
      s[k + COUNT] = 1;
    }
    return closed;
  }

  /** The candles still open, as plain objects (for a snapshot or a final flush). */
  open(): Candle[] {
    const out: Candle[] = [];
    for (let j = 0; j < this.#ms.length; j++) if (this.#s[j * W + START] === this.#s[j * W + START]) out.push(this.#candle(j));
    return out;
  }

  /** Adopts open candles from `open()`; a timeframe this series does not build is ignored. */
  load(candles: readonly Candle[]): void {
    for (const c of candles) {
      const j = this.timeframes.indexOf(c.tf);
      if (j < 0) continue;
      const k = j * W;
      this.#s[k + START] = c.start;
      this.#s[k + OPEN] = c.open;
      this.#s[k + HIGH] = c.high;
      this.#s[k + LOW] = c.low;
      this.#s[k + CLOSE] = c.close;
      this.#s[k + VOLUME] = c.volume;
      this.#s[k + COUNT] = c.count;
    }
  }

  #candle(j: number): Candle {
    const s = this.#s;
    const k = j * W;
    return { tf: this.timeframes[j]!, start: s[k + START]!, open: s[k + OPEN]!, high: s[k + HIGH]!, low: s[k + LOW]!, close: s[k + CLOSE]!, volume: s[k + VOLUME]!, count: s[k + COUNT]! };
  }
}
