import type { ModuleFactory } from '../../../../src/contracts/module.ts';

/** Trivial 1:1 ml for the pipeline7 bench: direction from seq parity; price x 1.0001. Stateless, so snapshot/restore carry nothing. */
export const create: ModuleFactory<'ml'> = () => ({
  handle: (items) => items.map((f) => ({ seq: f.seq, symbol: f.symbol, ts: f.ts, price: f.price * 1.0001, source: 'bench', direction: f.seq % 2 === 0 ? 1 : -1, confidence: 0.5 })),
  snapshot: () => null,
  restore: () => {},
  dispose: () => {},
});
