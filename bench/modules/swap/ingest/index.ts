import type { ModuleInstance } from '../../../../src/contracts/module.ts';
import type { MarketEvent, RawMarketEvent } from '../../../../src/contracts/tiers.ts';

export function create(): ModuleInstance<'ingestion'> {
  return {
    handle: (items: RawMarketEvent[]): MarketEvent[] =>
      items.map((e) => ({ seq: e.seq, symbol: e.symbol, ts: e.ts, kind: e.kind, price: e.price ?? 1, size: e.size ?? 0 })),
    snapshot: () => null,
    restore() {},
    dispose() {},
  };
}
