/**
 * Log-scale latency bins: four per doubling from 50 µs to about 200 s. A bin is a counter, so
 * a window of any volume answers p50/p99 by scanning 89 counters, never by sorting samples
 * (opossum keeps every latency and sorts them all on each stats read).
 * The price is resolution: a reported percentile is the upper edge of its bin, at most about 19 % high.
 */

/** Upper edge of bin 0, in ms; anything faster is reported as this. */
const FLOOR_MS = 0.05;
const PER_DOUBLING = 4;

/** Number of bins; the last one also takes everything slower than its lower edge. */
export const LATENCY_BINS = 89;

/** Bin index of a latency in ms. */
export function latencyBin(ms: number): number {
  if (!(ms > FLOOR_MS)) return 0; // also catches NaN from a misbehaving clock
  const bin = Math.ceil(Math.log2(ms / FLOOR_MS) * PER_DOUBLING);
  return bin < LATENCY_BINS ? bin : LATENCY_BINS - 1;
}

/** Upper edge of a bin in ms, rounded to 3 significant digits for display. */
export function latencyBinUpperMs(bin: number): number {
  return Number((FLOOR_MS * 2 ** (bin / PER_DOUBLING)).toPrecision(3));
}
