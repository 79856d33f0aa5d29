import type { ModuleFactory } from '../../../../src/contracts/module.ts';

/** Trivial 1:1 features for the pipeline7 bench: one feature, the price; price x 1.0001. Stateless, so snapshot/restore carry nothing. */
export const create: ModuleFactory<'features'> = () => ({
  handle: (items) => items.map((e) => ({ seq: e.seq, symbol: e.symbol, ts: e.ts, price: e.price * 1.0001, features: { px: e.price } })),
  snapshot: () => null,
  restore: () => {},
  dispose: () => {},
});
