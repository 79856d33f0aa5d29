import { LATENCY_BINS, latencyBin, latencyBinUpperMs } from './LatencyBins.ts';

/** Indexes of the counters kept per bucket. A plain object, not an enum, so types strip away. */
export const Counter = {
  success: 0,
  failure: 1,
  timeout: 2,
  /** Errors the caller's `isFailure` excluded: the callee answered, so they count as healthy. */
  excluded: 3,
  /** Refused because the breaker was open (or half-open with its probes taken). */
  rejected: 4,
  /** Refused because the queue was full. */
  saturated: 5,
} as const;
export type Counter = (typeof Counter)[keyof typeof Counter];
const COUNTERS = 6;

/** Totals over the window, as {@link RollingWindow.totals} reports them. */
export interface WindowTotals {
  successes: number;
  failures: number;
  timeouts: number;
  excluded: number;
  rejections: number;
  saturated: number;
}

/**
 * Counters over a sliding time window, cut into buckets. Every record adds to the current
 * bucket and to running totals, and a bucket leaving the window is subtracted from the
 * totals, so reading the window is O(1) whatever its volume, and its memory is fixed.
 *
 * Time is whatever clock the caller passes in: buckets rotate lazily when a later `now`
 * is seen, so an idle window costs nothing and needs no timer.
 */
export class RollingWindow {
  readonly #buckets: number;
  readonly #bucketMs: number;
  readonly #counts: Float64Array;
  readonly #totals = new Float64Array(COUNTERS);
  // Latency bins are the bulk of the memory; breakers that never ran a call never pay for them.
  #latency: Uint32Array | undefined;
  #latencyTotals: Uint32Array | undefined;
  #latencySamples = 0;
  /** Absolute index (now / bucketMs) of the current bucket. */
  #epoch = Number.NEGATIVE_INFINITY;
  #cursor = 0;

  /**
   * @param windowMs length of the window in ms
   * @param buckets number of buckets; `windowMs / buckets` is how far the window slides at a time
   */
  constructor(windowMs: number, buckets: number) {
    this.#buckets = buckets;
    this.#bucketMs = windowMs / buckets;
    this.#counts = new Float64Array(buckets * COUNTERS);
  }

  /** Counts one event at time `now`. */
  add(counter: Counter, now: number): void {
    this.#advance(now);
    this.#counts[this.#cursor * COUNTERS + counter]! += 1;
    this.#totals[counter]! += 1;
  }

  /** Counts one completed call's latency, in ms, at time `now`. */
  addLatency(ms: number, now: number): void {
    this.#advance(now);
    if (this.#latency === undefined) {
      this.#latency = new Uint32Array(this.#buckets * LATENCY_BINS);
      this.#latencyTotals = new Uint32Array(LATENCY_BINS);
    }
    const bin = latencyBin(ms);
    this.#latency[this.#cursor * LATENCY_BINS + bin]! += 1;
    this.#latencyTotals![bin]! += 1;
    this.#latencySamples += 1;
  }

  /** One counter's total over the window ending at `now`. */
  count(counter: Counter, now: number): number {
    this.#advance(now);
    return this.#totals[counter]!;
  }

  /** Every counter's total over the window ending at `now`. */
  totals(now: number): WindowTotals {
    this.#advance(now);
    const t = this.#totals;
    return {
      successes: t[Counter.success]!,
      failures: t[Counter.failure]!,
      timeouts: t[Counter.timeout]!,
      excluded: t[Counter.excluded]!,
      rejections: t[Counter.rejected]!,
      saturated: t[Counter.saturated]!,
    };
  }

  /**
   * Latency percentile over the window in ms (upper edge of its bin), or null with no samples.
   * @param q quantile in (0, 1], e.g. 0.99
   */
  latencyPercentile(q: number, now: number): number | null {
    this.#advance(now);
    const bins = this.#latencyTotals;
    if (bins === undefined || this.#latencySamples === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#latencySamples));
    let seen = 0;
    for (let i = 0; i < LATENCY_BINS; i++) {
      seen += bins[i]!;
      if (seen >= rank) return latencyBinUpperMs(i);
    }
    return latencyBinUpperMs(LATENCY_BINS - 1);
  }

  /** Forgets everything, e.g. when the breaker closes, so old failures cannot reopen it. */
  clear(): void {
    this.#counts.fill(0);
    this.#totals.fill(0);
    this.#latency?.fill(0);
    this.#latencyTotals?.fill(0);
    this.#latencySamples = 0;
  }

  /** Bytes held; fixed once the latency bins exist, whatever the number of calls. */
  get byteLength(): number {
    return this.#counts.byteLength + this.#totals.byteLength + (this.#latency?.byteLength ?? 0) + (this.#latencyTotals?.byteLength ?? 0);
  }

  /** Moves the window to `now`, retiring at most `buckets` buckets: bounded work per call. */
  #advance(now: number): void {
    const epoch = Math.floor(now / this.#bucketMs);
    // A clock that steps back (or stands still) keeps filling the current bucket.
    if (!(epoch > this.#epoch)) return;
    const steps = epoch - this.#epoch;
    this.#epoch = epoch;
    if (steps >= this.#buckets) {
      this.clear();
      return;
    }
    for (let s = 0; s < steps; s++) {
      this.#cursor = (this.#cursor + 1) % this.#buckets;
      this.#retire(this.#cursor);
    }
  }

  /** Subtracts a bucket that just left the window from the totals and empties it for reuse. */
  #retire(slot: number): void {
    const base = slot * COUNTERS;
    for (let c = 0; c < COUNTERS; c++) {
      this.#totals[c]! -= this.#counts[base + c]!;
      this.#counts[base + c] = 0;
    }
    const lat = this.#latency;
    if (lat === undefined) return;
    const latBase = slot * LATENCY_BINS;
    for (let b = 0; b < LATENCY_BINS; b++) {
      const n = lat[latBase + b]!;
      if (n === 0) continue;
      this.#latencyTotals![b]! -= n;
      this.#latencySamples -= n;
      lat[latBase + b] = 0;
    }
  }
}
