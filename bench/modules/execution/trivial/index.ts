import type { ModuleFactory } from '../../../../src/contracts/module.ts';

/** Trivial 1:1 execution for the pipeline7 bench: one market order per target. Stateless, so snapshot/restore carry nothing. A zero target sends no order. */
export const create: ModuleFactory<'execution'> = () => ({
  handle: (items) => items.filter((t) => t.targetQuantity !== 0).map((t) => ({ seq: t.seq, symbol: t.symbol, ts: t.ts, clientOrderId: 'b' + t.seq, side: t.targetQuantity < 0 ? 'sell' : 'buy', quantity: Math.abs(t.targetQuantity), type: 'market' })),
  snapshot: () => null,
  restore: () => {},
  dispose: () => {},
});
