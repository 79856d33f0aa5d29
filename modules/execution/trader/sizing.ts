import type { AccountSnapshot } from '../../../src/contracts/effects.ts';
import type { OrderIntent, TargetPosition } from '../../../src/contracts/tiers.ts';

export interface TraderConfig {
  lotSize: number;
  minNotional: number;
  orderType: 'market' | 'limit';
  maxOrderNotional: number;
  /** Limit orders only: how far through the decision price the limit sits, bps. */
  limitOffsetBps: number;
}

export type Mode = 'ACTIVE' | 'REDUCING' | 'HALTED';

/** What the book holds for one symbol: committed position and signed quantity still working. */
export interface Holding {
  position: number;
  pending: number;
}

const EPS = 1e-9;

export function readConfig(raw: Readonly<Record<string, unknown>>): TraderConfig {
  const num = (key: string, fallback: number, min: number): number => {
    const v = raw[key];
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
  };
  return {
    lotSize: num('lotSize', 1, Number.MIN_VALUE),
    minNotional: num('minNotional', 100, 0),
    orderType: raw.orderType === 'limit' ? 'limit' : 'market',
    maxOrderNotional: num('maxOrderNotional', Number.POSITIVE_INFINITY, Number.MIN_VALUE),
    limitOffsetBps: num('limitOffsetBps', 0, 0),
  };
}

/** Mode and holdings from an `account.snapshot` answer; null (no book, a harness) reads as flat and ACTIVE. */
export function readAccount(a: AccountSnapshot | null): { mode: Mode; holding(symbol: string): Holding } {
  const mode: Mode = a?.mode === 'REDUCING' || a?.mode === 'HALTED' ? a.mode : 'ACTIVE';
  return {
    mode,
    holding: (symbol) => ({ position: finite(a?.positions?.[symbol]?.quantity), pending: finite(a?.pending?.[symbol]) }),
  };
}

/**
 * Signed quantity to order so that position plus working orders reaches
 * the target, in whole lots towards zero. HALTED: nothing. REDUCING: only
 * the part that shrinks the position without crossing zero, measured
 * against the position less working orders that already reduce it (working
 * orders that add may never fill, so they buy no room): the same room the
 * kernel's REDUCING gate allows, so nothing sized here is refused there.
 */
export function orderQuantity(target: number, h: Holding, mode: Mode, lotSize: number): number {
  if (mode === 'HALTED') return 0;
  let delta = target - (h.position + h.pending);
  if (mode === 'REDUCING') {
    const p = h.position;
    const room = p > 0 ? Math.max(0, p + Math.min(0, h.pending)) : p < 0 ? Math.min(0, p + Math.max(0, h.pending)) : 0;
    if (room === 0 || Math.sign(delta) !== -Math.sign(room)) return 0;
    delta = Math.sign(delta) * Math.min(Math.abs(delta), Math.abs(room));
  }
  return Math.sign(delta) * lots(Math.abs(delta), lotSize);
}

/**
 * The orders for one target: none below the minimum notional, several of at
 * most `maxOrderNotional` each above it. Ids are `${symbol}-${seq}-${n}`, a
 * function of the decision alone, so a replayed decision yields the same ids
 * and the book refuses them as duplicates.
 */
export function intentsFor(t: TargetPosition, signed: number, cfg: TraderConfig): OrderIntent[] {
  const quantity = Math.abs(signed);
  if (quantity === 0 || quantity * t.price < cfg.minNotional) return [];
  const side = signed > 0 ? ('buy' as const) : ('sell' as const);
  const maxChild = Math.max(cfg.lotSize, lots(cfg.maxOrderNotional / t.price, cfg.lotSize));
  const out: OrderIntent[] = [];
  let left = quantity;
  for (let n = 0; left > EPS; n++) {
    const q = round(Math.min(left, maxChild));
    const o: OrderIntent = { seq: t.seq, symbol: t.symbol, ts: t.ts, clientOrderId: `${t.symbol}-${t.seq}-${n}`, side, quantity: q, type: cfg.orderType };
    if (cfg.orderType === 'limit') o.limitPrice = t.price * (1 + ((side === 'buy' ? 1 : -1) * cfg.limitOffsetBps) / 10_000);
    out.push(o);
    left = round(left - q);
  }
  return out;
}

/** Whole lots in `x` (>= 0), rounded down; the epsilon keeps 0.3 / 0.1 at 3 lots. */
function lots(x: number, lot: number): number {
  return round(Math.floor(x / lot + EPS) * lot);
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function finite(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
