import type { MarketEvent, OrderIntent } from '../contracts/tiers.ts';

/**
 * An order's life at the venue: accepted, then filled in one or more parts,
 * or cancelled or rejected. The last three are terminal.
 */
export const ORDER_STATUSES = ['accepted', 'partially_filled', 'filled', 'cancelled', 'rejected'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Fill {
  /** `${clientOrderId}-f${n}`, n from 1: the same order's n-th fill has the same id in every run. */
  fillId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  fee: number;
  /** Event time of the market event it filled against. */
  ts: number;
}

export type VenueEvent =
  | { type: 'fill'; fill: Fill }
  | { type: 'status'; clientOrderId: string; status: OrderStatus; filled: number; ts: number; reason?: string };

/**
 * A place orders go: the paper broker here, a real exchange adapter later.
 * Everything is driven by market events in event time, so a backtest and a
 * live paper session behave the same.
 */
export interface Venue {
  /** The one listener for fills and status changes, called synchronously as they happen. */
  listen(fn: (e: VenueEvent) => void): void;
  /** A new order; the venue answers with an `accepted` or `rejected` status. */
  accept(order: OrderIntent): void;
  /**
   * An order already accepted before a restart, resting with `filled` done in
   * `fills` parts: a real venue keeps our resting orders across our crash.
   * Emits nothing.
   */
  adopt(order: OrderIntent, resume: { filled: number; fills: number }): void;
  onMarket(event: MarketEvent): void;
  /** False when the order is not working (unknown, done, or already cancelled). */
  cancel(clientOrderId: string): boolean;
  /** Cancels every working order; answers their ids. */
  cancelAll(): string[];
}
