import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { Review, TargetPosition } from '../../../src/contracts/tiers.ts';

type State = Record<string, number>;

/** Holding last targets is this tier's fail-safe too, so a rejection simply emits nothing. */
export function create(_ctx: ModuleContext): ModuleInstance<'portfolio'> {
  let targets: State = {};
  return {
    handle(items: Review[]): TargetPosition[] {
      const out: TargetPosition[] = [];
      for (const r of items) {
        if (r.verdict === 'REJECT' || r.quantity === 0) continue;
        const target = r.side === 'buy' ? r.quantity : -r.quantity;
        if (targets[r.symbol] === target) continue;
        targets[r.symbol] = target;
        out.push({ seq: r.seq, symbol: r.symbol, ts: r.ts, price: r.price, targetQuantity: target, reason: `${r.verdict} by ${r.reviewer}` });
      }
      return out;
    },
    snapshot: () => targets,
    restore(s, from) {
      if (from !== 1) throw new Error(`follow: cannot migrate state version ${from}`);
      targets = s as unknown as State;
    },
    dispose() {},
  };
}
