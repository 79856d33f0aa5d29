import type { AccountSnapshot, PositionView } from '../contracts/effects.ts';
import type { TradingMode } from '../kernel/TradingState.ts';
import type { BookOrder, PositionRecord, SymbolState, WorkingOrderView } from './bookTypes.ts';

/** The book's state as its readers see it: the account snapshot, positions, working orders. */

export interface AccountState {
  symbols: ReadonlyMap<string, SymbolState>;
  orders: ReadonlyMap<string, BookOrder>;
  cash: number;
  fees: number;
  peak: number;
  /** UTC day number of event time; negative before the first market event. */
  day: number;
  dayStart: number;
  asOf: number;
  mode: TradingMode;
}

/** As the `account.snapshot` effect answers it (structured-clone safe). */
export function accountSnapshot(a: AccountState): AccountSnapshot {
  const positions: Record<string, PositionView> = {};
  let markValue = 0;
  let gross = 0;
  for (const [symbol, s] of a.symbols) {
    if (!s.traded) continue;
    const mark = markOf(s);
    positions[symbol] = { quantity: s.quantity, avgPrice: s.avgPrice, markPrice: mark, realizedPnl: s.realizedPnl };
    if (s.quantity !== 0) {
      markValue += s.quantity * mark;
      gross += Math.abs(s.quantity * mark);
    }
  }
  const pending: Record<string, number> = {};
  for (const o of a.orders.values()) pending[o.order.symbol] = round((pending[o.order.symbol] ?? 0) + remainingSigned(o));
  for (const k of Object.keys(pending)) if (pending[k] === 0) delete pending[k];
  const equity = a.cash + markValue;
  const peak = Math.max(a.peak, equity);
  const dayStart = a.day < 0 ? equity : a.dayStart;
  return {
    asOf: a.asOf,
    mode: a.mode,
    cash: a.cash,
    equity,
    dayStartEquity: dayStart,
    peakEquity: peak,
    dailyPnl: equity - dayStart,
    drawdown: peak > 0 ? Math.min(1, Math.max(0, 1 - equity / peak)) : 0,
    grossExposure: gross,
    fees: a.fees,
    positions,
    pending,
  };
}

export function positionRecords(symbols: ReadonlyMap<string, SymbolState>): PositionRecord[] {
  const out: PositionRecord[] = [];
  for (const [symbol, s] of symbols) {
    if (!s.traded) continue;
    const mark = markOf(s);
    out.push({ symbol, quantity: s.quantity, avgPrice: s.avgPrice, markPrice: mark, unrealizedPnl: s.quantity === 0 ? 0 : s.quantity * (mark - s.avgPrice), realizedPnl: s.realizedPnl });
  }
  return out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

export function workingOrderViews(orders: ReadonlyMap<string, BookOrder>): WorkingOrderView[] {
  return [...orders.values()].map(({ order: o, filled, atVenue }) => ({
    clientOrderId: o.clientOrderId,
    seq: o.seq,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    quantity: o.quantity,
    limitPrice: o.limitPrice ?? null,
    filledQuantity: filled,
    ts: o.ts,
    atVenue,
  }));
}

/** Signed quantity an order still has to fill. */
export function remainingSigned(o: BookOrder): number {
  const rest = o.order.quantity - o.filled;
  return o.order.side === 'buy' ? rest : -rest;
}

/** The price a position is valued at: the last seen, or its average before any. */
export function markOf(s: SymbolState): number {
  return Number.isNaN(s.mark) ? s.avgPrice : s.mark;
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
