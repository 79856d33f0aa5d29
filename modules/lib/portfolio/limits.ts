export interface ExposureLimits {
  /** Largest |quantity| x price per instrument. */
  maxNotionalPerSymbol: number;
  /** Largest sum over instruments of |quantity| x price. */
  maxGrossNotional: number;
}

export interface Clipped {
  quantity: number;
  /** Which limit cut this target, if any. */
  clip: 'symbol' | 'gross' | null;
}

/**
 * Clips whole-unit targets to the exposure limits: first each instrument to
 * its notional cap, then, if the book is still over the gross cap, every
 * target scaled by the same factor (so the mix the allocator chose is kept).
 * Rounding is always towards zero, so a clipped book never exceeds a limit.
 * `symbols` fixes the iteration order, which keeps the result deterministic.
 */
export function applyLimits(symbols: readonly string[], targets: ReadonlyMap<string, number>, prices: ReadonlyMap<string, number>, limits: ExposureLimits): Map<string, Clipped> {
  const out = new Map<string, Clipped>();
  let gross = 0;
  for (const s of symbols) {
    const q = targets.get(s) ?? 0;
    const price = prices.get(s)!;
    const cap = Math.floor(limits.maxNotionalPerSymbol / price);
    const c: Clipped = Math.abs(q) > cap ? { quantity: signed(q, cap), clip: 'symbol' } : { quantity: q, clip: null };
    out.set(s, c);
    gross += Math.abs(c.quantity) * price;
  }
  if (gross > limits.maxGrossNotional) {
    const k = limits.maxGrossNotional / gross;
    for (const s of symbols) {
      const c = out.get(s)!;
      if (c.quantity === 0) continue;
      c.quantity = signed(c.quantity, Math.floor(Math.abs(c.quantity) * k));
      c.clip = 'gross';
    }
  }
  return out;
}

/** |size| with q's sign; never -0, which would differ from 0 under deep equality. */
function signed(q: number, size: number): number {
  return size === 0 ? 0 : q < 0 ? -size : size;
}
