import { applyFill, FLAT, type Position } from '../../src/trading/Position.ts';

interface OrderLike {
  clientOrderId: string;
  seq: number;
  symbol: string;
  side: string;
  quantity: number;
  status: string;
  filledQuantity: number;
}
interface FillLike {
  fillId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  fee: number;
}
interface PositionLike {
  symbol: string;
  quantity: number;
  avgPrice: number;
  realizedPnl: number;
}

const EPS = 1e-6;

/**
 * What must hold between a book's orders, fills and positions however it was
 * stopped: each order's fills are numbered f1..fk with nothing missing or
 * doubled and add up to its filled quantity, never past its quantity; each
 * position is its symbol's fills replayed in order. Answers the violations,
 * so a failure names them. `fills` oldest first.
 */
export function bookProblems(orders: readonly OrderLike[], fills: readonly FillLike[], positions: readonly PositionLike[]): string[] {
  const out: string[] = [];
  const byId = new Map<string, OrderLike>();
  for (const o of orders) {
    if (byId.has(o.clientOrderId)) out.push(`order ${o.clientOrderId} listed twice`);
    byId.set(o.clientOrderId, o);
    // The trader's id is a function of the decision (symbol, seq, n): a replayed decision would reuse one.
    const m = /^(.+)-(\d+)-(\d+)$/.exec(o.clientOrderId);
    if (m === null || m[1] !== o.symbol || Number(m[2]) !== o.seq) out.push(`order ${o.clientOrderId}: id does not name its symbol ${o.symbol} and seq ${o.seq}`);
  }
  const fillIds = new Set<string>();
  const perOrder = new Map<string, FillLike[]>();
  for (const f of fills) {
    if (fillIds.has(f.fillId)) out.push(`fill ${f.fillId} recorded twice`);
    fillIds.add(f.fillId);
    const o = byId.get(f.clientOrderId);
    if (o === undefined) out.push(`fill ${f.fillId} for unknown order ${f.clientOrderId}`);
    else if (o.symbol !== f.symbol || o.side !== f.side) out.push(`fill ${f.fillId} is ${f.side} ${f.symbol}, its order ${o.side} ${o.symbol}`);
    perOrder.set(f.clientOrderId, [...(perOrder.get(f.clientOrderId) ?? []), f]);
  }
  for (const o of orders) {
    const fs = perOrder.get(o.clientOrderId) ?? [];
    const ids = fs.map((f) => f.fillId);
    const want = fs.map((_, i) => `${o.clientOrderId}-f${i + 1}`);
    if (ids.join() !== want.join()) out.push(`order ${o.clientOrderId}: fills ${ids.join(',')}, expected ${want.join(',')}`);
    const sum = fs.reduce((a, f) => a + f.quantity, 0);
    if (Math.abs(sum - o.filledQuantity) > EPS) out.push(`order ${o.clientOrderId}: fills add to ${sum}, filled quantity says ${o.filledQuantity}`);
    if (o.filledQuantity > o.quantity + EPS) out.push(`order ${o.clientOrderId}: filled ${o.filledQuantity} of ${o.quantity}`);
    const full = Math.abs(o.filledQuantity - o.quantity) <= EPS;
    const ok =
      o.status === 'filled' ? full
      : o.status === 'partially_filled' ? o.filledQuantity > 0 && !full
      : o.status === 'accepted' ? o.filledQuantity === 0
      : o.status === 'cancelled' || o.status === 'rejected' ? !full
      : false;
    if (!ok) out.push(`order ${o.clientOrderId}: status ${o.status} with ${o.filledQuantity} of ${o.quantity} filled`);
  }
  const replayed = new Map<string, Position>();
  for (const f of fills) replayed.set(f.symbol, applyFill(replayed.get(f.symbol) ?? FLAT, f.side, f.quantity, f.price));
  const held = new Map(positions.map((p) => [p.symbol, p]));
  for (const [symbol, r] of replayed) {
    const p = held.get(symbol);
    if (p === undefined) out.push(`${symbol}: fills but no position`);
    else if (Math.abs(p.quantity - r.quantity) > EPS || Math.abs(p.avgPrice - r.avgPrice) > EPS * Math.max(1, r.avgPrice) || Math.abs(p.realizedPnl - r.realizedPnl) > 1e-4) {
      out.push(`${symbol}: position ${p.quantity} @ ${p.avgPrice} (realised ${p.realizedPnl}), its fills replay to ${r.quantity} @ ${r.avgPrice} (realised ${r.realizedPnl})`);
    }
  }
  for (const p of positions) if (!replayed.has(p.symbol)) out.push(`${p.symbol}: position ${p.quantity} without a single fill`);
  return out;
}

/** Cash after `fills`: what buys paid and sells received, less fees. */
export function cashAfter(initialCash: number, fills: readonly FillLike[]): number {
  return fills.reduce((c, f) => c + (f.side === 'buy' ? -1 : 1) * f.quantity * f.price - f.fee, initialCash);
}
