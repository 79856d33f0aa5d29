import type { ModuleContext, ModuleInstance } from '../../../../src/contracts/module.ts';
import type { FeatureVector, MarketEvent } from '../../../../src/contracts/tiers.ts';

type State = Record<string, { n: number; sum: number }>;

export function create(_ctx: ModuleContext): ModuleInstance<'features'> {
  let state: State = {};
  return {
    handle(items: MarketEvent[]): FeatureVector[] {
      const out: FeatureVector[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        const e = items[i]!;
        const c = (state[e.symbol] ??= { n: 0, sum: 0 });
        c.n++;
        c.sum += e.price;
        out[i] = { seq: e.seq, symbol: e.symbol, ts: e.ts, price: e.price, features: { count: c.n, mean: c.sum / c.n } };
      }
      return out;
    },
    snapshot: () => state,
    restore(s, from) {
      if (from !== 1) throw new Error(`cannot migrate state version ${from}`);
      state = s as State;
    },
    dispose() {},
  };
}
