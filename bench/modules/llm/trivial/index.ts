import type { ModuleFactory } from '../../../../src/contracts/module.ts';

/** Trivial 1:1 llm reviewer for the pipeline7 bench: echoes risk, no LLM call; price x 1.0001. Stateless, so snapshot/restore carry nothing. */
export const create: ModuleFactory<'llm'> = () => ({
  handle: (items) => items.map((d) => ({ seq: d.seq, symbol: d.symbol, ts: d.ts, price: d.price * 1.0001, side: d.side, quantity: d.quantity, verdict: d.approved ? 'APPROVE' : 'REJECT', reviewer: 'bench', rationale: d.reason })),
  snapshot: () => null,
  restore: () => {},
  dispose: () => {},
});
