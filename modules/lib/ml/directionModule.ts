import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { FeatureVector, Signal } from '../../../src/contracts/tiers.ts';
import { buildStrategies } from '../strategies/catalogue.ts';
import { plainFeatures } from '../strategies/plainFeatures.ts';
import { StrategyBook } from '../strategies/StrategyBook.ts';
import { parseDirectionWeights, probabilityUp, readFeatureRow } from './DirectionModel.ts';

/** Default half-width of the flat zone around P(up) = 0.5. */
export const DEFAULT_DEAD_BAND = 0.02;

/**
 * The ml tier's direction module around a weights artifact. Per feature
 * vector it emits the model's signal (source `ml:<model>`) when every model
 * feature of the closing timeframe is present, then one signal per
 * configured classic strategy.
 *
 * Model signal: p = calibrated P(next bar up). p > 0.5 + deadBand is long
 * with confidence p, p < 0.5 - deadBand short with confidence 1 - p, and
 * anything between is flat with confidence 0.5 (no conviction, as the
 * strategies' flats). Config: `deadBand` (default 0.02), `strategies`
 * (names, default all three), `strategyParams` ({ name: overrides }),
 * `timeframe` (used when a vector has no `tf`, default "1m").
 */
export function createDirectionModule(ctx: ModuleContext, weightsJson: unknown): ModuleInstance<'ml'> {
  const w = parseDirectionWeights(weightsJson);
  const source = `ml:${w.model}`;
  const deadBand = ctx.config.deadBand ?? DEFAULT_DEAD_BAND;
  if (typeof deadBand !== 'number' || !(deadBand >= 0 && deadBand < 0.5)) throw new Error(`deadBand must be a number in [0, 0.5), got ${JSON.stringify(deadBand)}`);
  const book = new StrategyBook(buildStrategies(ctx.config.strategies, ctx.config.strategyParams));
  const fallbackTf = typeof ctx.config.timeframe === 'string' ? ctx.config.timeframe : '1m';
  const row = new Array<number>(w.features.length);
  const scratch = new Array<number>(w.features.length);
  return {
    handle(items: FeatureVector[]): Signal[] {
      const out: Signal[] = [];
      for (const item of items) {
        const f = plainFeatures(item.features, item.tf ?? fallbackTf);
        if (readFeatureRow(w, f, row)) {
          const p = probabilityUp(w, row, scratch);
          const direction = p > 0.5 + deadBand ? 1 : p < 0.5 - deadBand ? -1 : 0;
          const confidence = direction === 1 ? p : direction === -1 ? 1 - p : 0.5;
          out.push({ seq: item.seq, symbol: item.symbol, ts: item.ts, price: item.price, source, direction, confidence });
        }
        book.emit(item, f, out);
      }
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
