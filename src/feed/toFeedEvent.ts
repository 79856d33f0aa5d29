import type { FeedEvent } from './SyntheticFeed.ts';

const KINDS = new Set(['trade', 'quote', 'bar']);
const NUMBERS = ['price', 'size', 'bid', 'ask', 'bidSize', 'askSize', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * The RawMarketEvent fields of one decoded message object, or undefined when
 * it cannot be one: no symbol, no finite ts, an unknown kind, or a market
 * field that is not a finite number (JSON turns 1e999 into Infinity, which
 * the kernel would refuse along with the whole batch). Other keys (a `seq`
 * from the sender included) are dropped: seq is the kernel's to assign.
 * Keys come out in one fixed order, so events of a kind share one shape.
 */
export function toFeedEvent(x: unknown): FeedEvent | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  const o = x as Record<string, unknown>;
  const { symbol, ts, kind } = o;
  if (typeof symbol !== 'string' || symbol.length === 0 || symbol.length > 64) return undefined;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return undefined;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  const e: Record<string, unknown> = { symbol, ts, kind };
  for (const k of NUMBERS) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    e[k] = v;
  }
  return e as FeedEvent;
}
