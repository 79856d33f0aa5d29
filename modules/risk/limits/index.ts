import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { RiskDecision, Signal } from '../../../src/contracts/tiers.ts';

/** Stateless: a denial is a decision item with a reason, so it can be audited downstream. */
export function create(ctx: ModuleContext): ModuleInstance<'risk'> {
  const notional = Number(ctx.config.notionalPerTrade ?? 10_000);
  const minConfidence = Number(ctx.config.minConfidence ?? 0.55);
  return {
    handle(items: Signal[]): RiskDecision[] {
      return items.map((s) => {
        const base = { seq: s.seq, symbol: s.symbol, ts: s.ts, price: s.price, source: s.source, side: s.direction < 0 ? ('sell' as const) : ('buy' as const) };
        if (s.direction === 0) return { ...base, quantity: 0, approved: false, reason: 'flat signal' };
        if (s.confidence < minConfidence) return { ...base, quantity: 0, approved: false, reason: `confidence ${s.confidence.toFixed(2)} below ${minConfidence}` };
        const quantity = Math.floor((notional * s.confidence) / s.price);
        return quantity > 0 ? { ...base, quantity, approved: true, reason: 'within limits' } : { ...base, quantity: 0, approved: false, reason: 'size rounds to zero' };
      });
    },
    snapshot: () => null,
    restore() {},
    dispose() {},
  };
}
