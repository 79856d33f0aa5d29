import type { MarketEvent, OrderIntent } from '../../src/contracts/tiers.ts';

/** Validated market events and orders, terse, for the trading tests. */
export function trade(symbol: string, ts: number, price: number, size: number, extra: Partial<MarketEvent> = {}): MarketEvent {
  return { seq: ts + 1, symbol, ts, kind: 'trade', price, size, ...extra };
}

export function quote(symbol: string, ts: number, bid: number, ask: number, size: number): MarketEvent {
  return { seq: ts + 1, symbol, ts, kind: 'quote', price: (bid + ask) / 2, size, bid, ask };
}

export function bar(symbol: string, ts: number, o: { open: number; high: number; low: number; close: number; volume: number }): MarketEvent {
  return { seq: ts + 1, symbol, ts, kind: 'bar', price: o.close, size: o.volume, ...o };
}

export function order(clientOrderId: string, symbol: string, side: 'buy' | 'sell', quantity: number, ts: number, limitPrice?: number): OrderIntent {
  const o: OrderIntent = { seq: ts + 1, symbol, ts, clientOrderId, side, quantity, type: limitPrice === undefined ? 'market' : 'limit' };
  if (limitPrice !== undefined) o.limitPrice = limitPrice;
  return o;
}
