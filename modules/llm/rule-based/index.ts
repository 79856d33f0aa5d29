import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { Review, RiskDecision } from '../../../src/contracts/tiers.ts';

/** MODIFY may only shrink a trade; this reviewer never enlarges one. */
export function create(ctx: ModuleContext): ModuleInstance<'llm'> {
  const maxNotional = Number(ctx.config.maxNotional ?? 20_000);
  return {
    handle(items: RiskDecision[]): Review[] {
      return items.map((d) => {
        const base = { seq: d.seq, symbol: d.symbol, ts: d.ts, price: d.price, side: d.side, reviewer: 'rule-based' };
        if (!d.approved || d.quantity === 0) return { ...base, quantity: 0, verdict: 'REJECT' as const, rationale: `risk: ${d.reason}` };
        const cap = Math.floor(maxNotional / d.price);
        if (d.quantity > cap) return { ...base, quantity: cap, verdict: 'MODIFY' as const, rationale: `notional capped at ${maxNotional}` };
        return { ...base, quantity: d.quantity, verdict: 'APPROVE' as const, rationale: 'within review limits' };
      });
    },
    snapshot: () => null,
    restore() {},
    dispose() {},
  };
}
