import type { ModuleFactory } from '../../../../src/contracts/module.ts';

/** Trivial 1:1 ingestion for the pipeline7 bench: copies the event, price x 1.0001. Stateless, so snapshot/restore carry nothing. */
export const create: ModuleFactory<'ingestion'> = () => ({
  handle: (items) => items.map((e) => ({ seq: e.seq, symbol: e.symbol, ts: e.ts, kind: e.kind, price: (e.price ?? e.close ?? 0) * 1.0001, size: e.size ?? 0 })),
  snapshot: () => null,
  restore: () => {},
  dispose: () => {},
});
