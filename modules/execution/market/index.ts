import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { OrderIntent, TargetPosition } from '../../../src/contracts/tiers.ts';

type State = Record<string, number>;

/** Ids are a function of the input seq: the same input can never produce a second, different order. */
export function create(_ctx: ModuleContext): ModuleInstance<'execution'> {
  let ordered: State = {};
  return {
    handle(items: TargetPosition[]): OrderIntent[] {
      const out: OrderIntent[] = [];
      for (const t of items) {
        const delta = t.targetQuantity - (ordered[t.symbol] ?? 0);
        if (delta === 0) continue;
        ordered[t.symbol] = t.targetQuantity;
        out.push({ seq: t.seq, symbol: t.symbol, ts: t.ts, clientOrderId: `hx-${t.seq}-${t.symbol}`, side: delta > 0 ? 'buy' : 'sell', quantity: Math.abs(delta), type: 'market' });
      }
      return out;
    },
    snapshot: () => ordered,
    restore(s, from) {
      if (from !== 1) throw new Error(`market: cannot migrate state version ${from}`);
      ordered = s as unknown as State;
    },
    dispose() {},
  };
}
