import type { Fill, OrderStatus } from '../paper/Venue.ts';
import type { StoredPosition } from './BookStore.ts';
import type { BookOrder, SymbolState } from './bookTypes.ts';
import { applyFill, type Position } from './Position.ts';

const EPS = 1e-9;

export interface FillStep {
  fill: Fill;
  /** The position after this fill. */
  next: Position;
  /** The order's filled quantity after this fill. */
  filled: number;
  status: OrderStatus;
}

/**
 * What a group of fills does to the book, computed on copies: the position
 * and order state after each fill in turn (for the book to apply once they
 * are durable), and the final row per position and per order (for the
 * database to write in the same transaction). Only the fills the database
 * took as new (`inserted`) count; a replayed fill id changes nothing.
 */
export function planFills(
  fills: readonly Fill[],
  inserted: ReadonlySet<string>,
  symbols: ReadonlyMap<string, SymbolState>,
  orders: ReadonlyMap<string, BookOrder>,
): { steps: FillStep[]; positions: StoredPosition[]; orders: { clientOrderId: string; status: OrderStatus; filled: number }[] } {
  const pos = new Map<string, Position>();
  const ord = new Map<string, { status: OrderStatus; filled: number }>();
  const firstPrice = new Map<string, number>();
  const steps: FillStep[] = [];
  for (const f of fills) {
    if (!inserted.has(f.fillId)) continue;
    const o = orders.get(f.clientOrderId)!;
    const next = applyFill(pos.get(f.symbol) ?? symbols.get(f.symbol)!, f.side, f.quantity, f.price);
    const filled = round((ord.get(f.clientOrderId)?.filled ?? o.filled) + f.quantity);
    const status: OrderStatus = filled >= o.order.quantity - EPS ? 'filled' : 'partially_filled';
    pos.set(f.symbol, next);
    ord.set(f.clientOrderId, { status, filled });
    if (!firstPrice.has(f.symbol)) firstPrice.set(f.symbol, f.price);
    steps.push({ fill: f, next, filled, status });
  }
  return {
    steps,
    positions: [...pos].map(([symbol, p]) => {
      const mark = symbols.get(symbol)!.mark;
      // A symbol with no market price yet (right after a restart) is marked at its first fill.
      return { symbol, quantity: p.quantity, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl, markPrice: Number.isNaN(mark) ? firstPrice.get(symbol)! : mark };
    }),
    orders: [...ord].map(([clientOrderId, o]) => ({ clientOrderId, ...o })),
  };
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
