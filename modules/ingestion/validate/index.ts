import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { MarketEvent, RawMarketEvent } from '../../../src/contracts/tiers.ts';

interface State {
  lastTs: Record<string, number>;
  quarantined: number;
}

/** Bad data is counted and dropped here, so no later tier has to second-guess a price. */
export function create(ctx: ModuleContext): ModuleInstance<'ingestion'> {
  let state: State = { lastTs: {}, quarantined: 0 };
  const ok = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;
  return {
    handle(items: RawMarketEvent[]): MarketEvent[] {
      const out: MarketEvent[] = [];
      for (const e of items) {
        const price = e.kind === 'bar' ? e.close : e.kind === 'quote' && ok(e.bid) && ok(e.ask) ? (e.bid + e.ask) / 2 : e.price;
        const crossed = e.kind === 'quote' && (!ok(e.bid) || !ok(e.ask) || e.bid > e.ask);
        const backwards = e.ts <= (state.lastTs[e.symbol] ?? -Infinity);
        if (!ok(price) || crossed || backwards || (e.size !== undefined && !(e.size >= 0))) {
          state.quarantined++;
          continue;
        }
        state.lastTs[e.symbol] = e.ts;
        const m: MarketEvent = { seq: e.seq, symbol: e.symbol, ts: e.ts, kind: e.kind, price, size: e.size ?? e.volume ?? 0 };
        if (e.kind === 'quote') Object.assign(m, { bid: e.bid, ask: e.ask });
        out.push(m);
      }
      return out;
    },
    snapshot: () => ({ lastTs: state.lastTs, quarantined: state.quarantined }),
    restore(s, from) {
      if (from !== 1) throw new Error(`validate: cannot migrate state version ${from}`);
      state = s as unknown as State;
    },
    dispose() {
      ctx.log.info('quarantined', { count: state.quarantined });
    },
  };
}
