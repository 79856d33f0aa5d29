/**
 * Why an event was quarantined, as reported through `ingestion.quarantine`.
 * An event gets the first reason that applies, in this order, so each bad
 * event is counted once.
 */
export const REASONS = [
  'missing number',
  'non-finite number',
  'non-positive price',
  'negative size',
  'crossed or locked quote',
  'inconsistent OHLC',
  'out-of-order timestamp',
  'duplicate timestamp',
] as const;

export type Reason = (typeof REASONS)[number];

export const MISSING = 0;
export const NON_FINITE = 1;
export const NON_POSITIVE = 2;
export const NEGATIVE_SIZE = 3;
export const CROSSED = 4;
export const BAD_OHLC = 5;
export const OUT_OF_ORDER = 6;
export const DUPLICATE = 7;
/** Not quarantined. */
export const OK = -1;
