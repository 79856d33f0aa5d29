/**
 * The kinds of bad data the synthetic feed can inject, named as ingestion
 * reports them when it quarantines them (`ingestion.quarantine`), so a demo
 * or a test can compare what went in with what was caught.
 *
 * Non-finite numbers are left out on purpose: the RawMarketEvent contract
 * (zod numbers are finite) makes `kernel.ingest` refuse a whole batch that
 * holds one, so they can never reach ingestion from a feed.
 */
export const BAD_KINDS = [
  'missing number',
  'non-positive price',
  'negative size',
  'crossed or locked quote',
  'inconsistent OHLC',
  'out-of-order timestamp',
  'duplicate timestamp',
] as const;

export type BadKind = (typeof BAD_KINDS)[number];
