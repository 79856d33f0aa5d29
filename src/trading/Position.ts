/** A position as the book keeps and persists it. Quantity signed: short is negative. */
export interface Position {
  quantity: number;
  /** Average entry price of the open quantity; 0 when flat. */
  avgPrice: number;
  /** Profit realised by closing quantity, before fees (fees are kept apart). */
  realizedPnl: number;
}

export const FLAT: Position = { quantity: 0, avgPrice: 0, realizedPnl: 0 };

/**
 * The position after one fill. Adding to a position averages the entry
 * price; reducing realises (exit - entry) on the closed part and keeps the
 * entry price; going through zero closes everything and opens the rest at
 * the fill price.
 */
export function applyFill(p: Position, side: 'buy' | 'sell', quantity: number, price: number): Position {
  const signed = side === 'buy' ? quantity : -quantity;
  const q = p.quantity;
  const next = round(q + signed);
  if (q === 0 || Math.sign(q) === Math.sign(signed)) {
    const avg = (Math.abs(q) * p.avgPrice + quantity * price) / Math.abs(next);
    return { quantity: next, avgPrice: avg, realizedPnl: p.realizedPnl };
  }
  const closed = Math.min(Math.abs(q), quantity);
  const realizedPnl = p.realizedPnl + closed * (price - p.avgPrice) * Math.sign(q);
  if (next === 0) return { quantity: 0, avgPrice: 0, realizedPnl };
  if (Math.sign(next) === Math.sign(q)) return { quantity: next, avgPrice: p.avgPrice, realizedPnl };
  return { quantity: next, avgPrice: price, realizedPnl };
}

/** Quantities to 1e-9, so a position closed in parts lands on exactly zero. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
