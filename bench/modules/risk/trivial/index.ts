import type { ModuleFactory } from '../../../../src/contracts/module.ts';

/** Trivial 1:1 risk for the pipeline7 bench: approves one unit; price x 1.0001. Stateless, so snapshot/restore carry nothing. */
export const create: ModuleFactory<'risk'> = () => ({
  handle: (items) => items.map((s) => ({ seq: s.seq, symbol: s.symbol, ts: s.ts, price: s.price * 1.0001, source: s.source, side: s.direction < 0 ? 'sell' : 'buy', quantity: 1, approved: true, reason: 'ok' })),
  snapshot: () => null,
  restore: () => {},
  dispose: () => {},
});
