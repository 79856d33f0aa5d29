import type { RawMarketEvent } from '../../../src/contracts/tiers.ts';
import { BAD_OHLC, CROSSED, MISSING, NEGATIVE_SIZE, NON_FINITE, NON_POSITIVE, OK } from './reasons.ts';

/**
 * The first reason (index into REASONS) the numbers of `e` are unusable, or
 * OK. Only the fields its kind uses are looked at: a trade needs a price, a
 * quote a bid and an ask, a bar its open, high, low and close; sizes and
 * volume may be absent (they count as 0) but not negative. Timestamp order is
 * per instrument state, so it is checked by the caller.
 */
export function checkValues(e: RawMarketEvent): number {
  if (!Number.isFinite(e.ts)) return NON_FINITE;
  if (e.kind === 'trade') {
    const p = e.price;
    const v = e.size;
    if (p === undefined) return MISSING;
    if (!Number.isFinite(p) || (v !== undefined && !Number.isFinite(v))) return NON_FINITE;
    if (p <= 0) return NON_POSITIVE;
    if (v !== undefined && v < 0) return NEGATIVE_SIZE;
    return OK;
  }
  if (e.kind === 'quote') {
    const { bid, ask, bidSize, askSize } = e;
    if (bid === undefined || ask === undefined) return MISSING;
    if (!Number.isFinite(bid) || !Number.isFinite(ask)) return NON_FINITE;
    if ((bidSize !== undefined && !Number.isFinite(bidSize)) || (askSize !== undefined && !Number.isFinite(askSize))) return NON_FINITE;
    if (bid <= 0 || ask <= 0) return NON_POSITIVE;
    if ((bidSize !== undefined && bidSize < 0) || (askSize !== undefined && askSize < 0)) return NEGATIVE_SIZE;
    // A locked book (bid = ask) is as unusable as a crossed one: there is no spread to trade across.
    if (bid >= ask) return CROSSED;
    return OK;
  }
  const { open, high, low, close, volume } = e;
  if (open === undefined || high === undefined || low === undefined || close === undefined) return MISSING;
  if (!Number.isFinite(open) || !Number.isFinite(high) || !Number.isFinite(low) || !Number.isFinite(close)) return NON_FINITE;
  if (volume !== undefined && !Number.isFinite(volume)) return NON_FINITE;
  if (open <= 0 || high <= 0 || low <= 0 || close <= 0) return NON_POSITIVE;
  if (volume !== undefined && volume < 0) return NEGATIVE_SIZE;
  if (low > Math.min(open, close) || high < Math.max(open, close)) return BAD_OHLC;
  return OK;
}
