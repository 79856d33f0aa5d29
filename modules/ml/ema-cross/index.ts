import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { FeatureVector, Signal } from '../../../src/contracts/tiers.ts';

type State = Record<string, -1 | 0 | 1>;

/** Signals on crossings only: a signal per tick would turn every tick into a trade proposal. */
export function create(ctx: ModuleContext): ModuleInstance<'ml'> {
  const minSamples = Number(ctx.config.minSamples ?? 26);
  const scale = Number(ctx.config.scale ?? 200);
  let last: State = {};
  return {
    handle(items: FeatureVector[]): Signal[] {
      const out: Signal[] = [];
      for (const f of items) {
        const fast = f.features.ema_fast;
        const slow = f.features.ema_slow;
        if (fast === undefined || slow === undefined || (f.features.samples ?? 0) < minSamples) continue;
        const gap = (fast - slow) / slow;
        const direction = gap > 0 ? 1 : gap < 0 ? -1 : 0;
        if (direction === (last[f.symbol] ?? 0)) continue;
        last[f.symbol] = direction;
        out.push({ seq: f.seq, symbol: f.symbol, ts: f.ts, price: f.price, source: 'ema-cross', direction, confidence: Math.min(1, 0.5 + Math.abs(gap) * scale) });
      }
      return out;
    },
    snapshot: () => last,
    restore(s, from) {
      if (from !== 1) throw new Error(`ema-cross: cannot migrate state version ${from}`);
      last = s as unknown as State;
    },
    dispose() {},
  };
}
