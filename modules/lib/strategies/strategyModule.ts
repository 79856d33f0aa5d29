import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { FeatureVector, Signal } from '../../../src/contracts/tiers.ts';
import { buildStrategies } from './catalogue.ts';
import { plainFeatures } from './plainFeatures.ts';
import { StrategyBook } from './StrategyBook.ts';

/**
 * An ml-tier module running one classic strategy alone: one signal per
 * feature vector once the strategy's features are warm. Config: `params`
 * (the strategy's parameter overrides) and `timeframe` (used when a vector
 * carries no `tf`; default "1m"). Its state has the same shape as the
 * direction modules' (`{ strategies }`), so an operator can swap between any
 * of them and keep the positions of the strategies they share.
 */
export function createStrategyModule(ctx: ModuleContext, name: string): ModuleInstance<'ml'> {
  const params = ctx.config.params;
  const book = new StrategyBook(buildStrategies([name], params === undefined ? undefined : { [name]: params }));
  const fallbackTf = typeof ctx.config.timeframe === 'string' ? ctx.config.timeframe : '1m';
  return {
    handle(items: FeatureVector[]): Signal[] {
      const out: Signal[] = [];
      for (const item of items) book.emit(item, plainFeatures(item.features, item.tf ?? fallbackTf), out);
      return out;
    },
    snapshot: () => ({ strategies: book.snapshot() }),
    restore(state) {
      const adopted = book.restore(typeof state === 'object' && state !== null && !Array.isArray(state) ? state.strategies : undefined);
      ctx.log.info('restored strategy positions', { adopted });
    },
    dispose() {},
  };
}
