import type { ModuleFactory } from '../../../../src/contracts/module.ts';

/** Trivial 1:1 portfolio for the pipeline7 bench: signed target from the review; price x 1.0001. Stateless, so snapshot/restore carry nothing. */
export const create: ModuleFactory<'portfolio'> = () => ({
  handle: (items) => items.map((r) => ({ seq: r.seq, symbol: r.symbol, ts: r.ts, price: r.price * 1.0001, targetQuantity: r.side === 'buy' ? r.quantity : -r.quantity, reason: r.verdict })),
  snapshot: () => null,
  restore: () => {},
  dispose: () => {},
});
