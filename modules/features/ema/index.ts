import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { FeatureVector, MarketEvent } from '../../../src/contracts/tiers.ts';

type State = Record<string, { fast: number; slow: number; last: number; n: number }>;

/** O(1) per event: the state is three numbers per symbol, which is what makes a swap cheap. */
export function create(ctx: ModuleContext): ModuleInstance<'features'> {
  const af = 2 / (Number(ctx.config.fast ?? 12) + 1);
  const as = 2 / (Number(ctx.config.slow ?? 26) + 1);
  let state: State = {};
  return {
    handle(items: MarketEvent[]): FeatureVector[] {
      return items.map((e) => {
        const s = state[e.symbol];
        if (s === undefined) state[e.symbol] = { fast: e.price, slow: e.price, last: e.price, n: 1 };
        else {
          s.fast += af * (e.price - s.fast);
          s.slow += as * (e.price - s.slow);
          s.n++;
        }
        const cur = state[e.symbol]!;
        const ret = s === undefined ? 0 : Math.log(e.price / s.last);
        cur.last = e.price;
        return { seq: e.seq, symbol: e.symbol, ts: e.ts, price: e.price, features: { ema_fast: cur.fast, ema_slow: cur.slow, log_return: ret, samples: cur.n } };
      });
    },
    snapshot: () => state,
    restore(s, from) {
      if (from !== 1) throw new Error(`ema: cannot migrate state version ${from}`);
      state = s as unknown as State;
    },
    dispose() {},
  };
}
