import type { TargetPosition } from '../../../src/contracts/tiers.ts';
import { outsideBand } from '../../lib/portfolio/bands.ts';
import { applyLimits } from '../../lib/portfolio/limits.ts';
import { towardZero, type Book } from './Book.ts';
import type { AllocatorConfig } from './config.ts';
import type { RawTarget } from './targets.ts';

/** The item an output for a symbol is attributed to. */
export type Provenance = (symbol: string) => { seq: number; ts: number };

/**
 * From raw targets to emitted TargetPositions, in this order:
 * 1. exposure limits clip the targets (per-symbol notional, then gross);
 * 2. the REJECT guard. Within a batch: each clipped target is held between 0
 *    and the clipped target computed as if the batch's rejections had never
 *    arrived (views and prices). Across batches: a symbol the guard held back
 *    keeps that value as a cap, and may only shrink further until an approved
 *    (APPROVE or MODIFY) review for it arrives; otherwise the flat view a
 *    rejection left behind could lift the target one batch later. Guarding
 *    after the limits means a rejection cannot raise another symbol either,
 *    by freeing gross room;
 * 3. the rebalancing band drops changes too small to trade;
 * 4. limits are hard and bands soft: a suppressed change that would leave
 *    the held book over a limit (a price move, or a gross book that only the
 *    suppressed reductions bring back under) is emitted anyway.
 * Emitted targets become the book's reference for the next band test.
 */
export function emitTargets(
  book: Book,
  cfg: AllocatorConfig,
  full: ReadonlyMap<string, RawTarget>,
  withoutRejects: ReadonlyMap<string, RawTarget> | null,
  approved: ReadonlySet<string>,
  provenance: Provenance,
): TargetPosition[] {
  const symbols = [...new Set([...full.keys(), ...(withoutRejects?.keys() ?? []), ...book.emitted.keys(), ...book.caps.keys()])].sort();
  const prices = new Map(symbols.map((s) => [s, book.price(s)]));
  const quantities = (m: ReadonlyMap<string, RawTarget>): Map<string, number> => new Map(symbols.map((s) => [s, m.get(s)?.quantity ?? 0]));
  const limited = applyLimits(symbols, quantities(full), prices, cfg.limits);
  const reasons = new Map(symbols.map((s) => [s, full.get(s)?.reason ?? 'no target']));
  const base = withoutRejects === null ? null : applyLimits(symbols, quantities(withoutRejects), prices, cfg.limits);
  for (const s of symbols) {
    const c = limited.get(s)!;
    let g = base === null ? c.quantity : towardZero(c.quantity, base.get(s)!.quantity);
    const cap = approved.has(s) ? undefined : book.caps.get(s);
    if (cap !== undefined) g = towardZero(g, cap);
    if (g === c.quantity) {
      book.caps.delete(s);
      continue;
    }
    book.caps.set(s, g);
    limited.set(s, { quantity: g, clip: null });
    reasons.set(s, `${reasons.get(s)}; held at ${g} by the REJECT guard`);
  }

  const emit = new Set<string>();
  let heldGross = 0;
  for (const s of symbols) {
    const last = book.emitted.get(s) ?? 0;
    const next = limited.get(s)!.quantity;
    const price = prices.get(s)!;
    const reduces = Math.abs(next) < Math.abs(last);
    if (outsideBand(last, next, price, cfg.band) || (reduces && Math.abs(last) * price > cfg.limits.maxNotionalPerSymbol)) emit.add(s);
    heldGross += Math.abs(emit.has(s) ? next : last) * price;
  }
  if (heldGross > cfg.limits.maxGrossNotional) {
    for (const s of symbols) if (Math.abs(limited.get(s)!.quantity) < Math.abs(book.emitted.get(s) ?? 0)) emit.add(s);
  }

  const out: TargetPosition[] = [];
  for (const s of symbols) {
    if (!emit.has(s)) continue;
    const c = limited.get(s)!;
    const reason = c.clip === 'symbol' ? `${reasons.get(s)}; clipped to the per-symbol notional limit` : c.clip === 'gross' ? `${reasons.get(s)}; scaled to the gross limit` : reasons.get(s)!;
    const { seq, ts } = provenance(s);
    // An older seq than this symbol's last output would read as a reordering downstream: the change waits for a later batch (book.emitted is untouched, so it is retried).
    if (seq < (book.emittedSeq.get(s) ?? 0)) continue;
    book.emittedSeq.set(s, seq);
    out.push({ seq, symbol: s, ts, price: prices.get(s)!, targetQuantity: c.quantity, reason });
    if (c.quantity === 0) book.emitted.delete(s);
    else book.emitted.set(s, c.quantity);
  }
  out.sort((a, b) => a.seq - b.seq || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return out;
}
