import type { MarketEvent } from '../contracts/tiers.ts';

export interface CostModel {
  /** Half-spread assumed when the event shows no touch (trades and bars without bid/ask), bps of price. */
  halfSpreadBps: number;
  /** Market impact at full participation, bps of price; scales with sqrt(fill / event size). */
  impactBps: number;
}

/**
 * Where an order in the market can trade on one event, before costs. A
 * quote (or any event with both sides) shows the touch, so a buy lifts the
 * ask and a sell hits the bid and no spread is added; a trade print or a bar
 * shows one price, so half a spread is paid on top. A bar's reference is its
 * open: the first price an order resting through the bar could have met.
 */
export function referencePrice(e: MarketEvent, side: 'buy' | 'sell'): { price: number; touch: boolean } {
  if (e.bid !== undefined && e.ask !== undefined && e.kind !== 'bar') return { price: side === 'buy' ? e.ask : e.bid, touch: true };
  if (e.kind === 'bar') return { price: e.open ?? e.price, touch: false };
  return { price: e.price, touch: false };
}

/** Size the event shows: the print's size, the quote's size, the bar's volume. */
export function eventLiquidity(e: MarketEvent): number {
  return e.kind === 'bar' ? (e.volume ?? e.size) : e.size;
}

/**
 * Price paid (buy) or received (sell) for `quantity` against an event showing
 * `liquidity`: reference, plus half a spread when no touch was shown, plus
 * impact growing with the square root of the share of the event taken.
 */
export function marketFillPrice(e: MarketEvent, side: 'buy' | 'sell', quantity: number, liquidity: number, cost: CostModel): number {
  const ref = referencePrice(e, side);
  const bps = (ref.touch ? 0 : cost.halfSpreadBps) + cost.impactBps * Math.sqrt(liquidity > 0 ? quantity / liquidity : 1);
  const slip = (ref.price * bps) / 10_000;
  return side === 'buy' ? ref.price + slip : Math.max(ref.price - slip, Number.MIN_VALUE);
}

/**
 * A limit order fills only at or better than its limit: when the market
 * reached it (a bar counts if its low, or high for a sell, touched the limit)
 * and then at the market price with costs, capped at the limit.
 */
export function limitFillPrice(e: MarketEvent, side: 'buy' | 'sell', limit: number, quantity: number, liquidity: number, cost: CostModel): number | undefined {
  const ref = referencePrice(e, side).price;
  const reach = e.kind === 'bar' ? (side === 'buy' ? (e.low ?? ref) : (e.high ?? ref)) : ref;
  if (side === 'buy' ? reach > limit : reach < limit) return undefined;
  const px = marketFillPrice(e, side, quantity, liquidity, cost);
  return side === 'buy' ? Math.min(px, limit) : Math.max(px, limit);
}

/**
 * Fee for one fill: bps of notional, and the order's first fill never below
 * the minimum. The minimum is per order, as brokers charge it: charged per
 * fill it would make an order worked in many small partial fills cost many
 * minimums, and a busy paper session would lose its money to its own fills.
 */
export function fillFee(quantity: number, price: number, feeBps: number, minFee: number, firstFill = true): number {
  const fee = (quantity * price * feeBps) / 10_000;
  return firstFill ? Math.max(minFee, fee) : fee;
}
