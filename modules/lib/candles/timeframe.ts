/** A timeframe name: a count and a unit, e.g. `1m`, `15m`, `4h`, `1d`. */
export const TIMEFRAME = /^[0-9]+[smhd]$/;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in one bucket of `tf`; throws on a name that is not a positive timeframe. */
export function tfToMs(tf: string): number {
  if (!TIMEFRAME.test(tf)) throw new Error(`timeframe ${JSON.stringify(tf)} is not <count><s|m|h|d>, e.g. 1m`);
  const ms = Number(tf.slice(0, -1)) * UNIT_MS[tf[tf.length - 1]!]!;
  if (!(ms > 0) || !Number.isSafeInteger(ms)) throw new Error(`timeframe ${JSON.stringify(tf)} must be a positive whole number of its unit`);
  return ms;
}

/** Start of the bucket `ts` falls in: buckets are aligned to the epoch, so every instrument closes together. */
export function bucketStart(ts: number, ms: number): number {
  return Math.floor(ts / ms) * ms;
}
