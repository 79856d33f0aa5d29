import type { ModuleContext, ModuleInstance } from '../../../../src/contracts/module.ts';
import { createIndicatorsModule } from '../../../lib/indicators/IndicatorsModule.ts';

/**
 * The v1 set plus EXTENDED_FEATURE_NAMES. Adopts a 1.0.0 snapshot (state
 * version 1) so a live swap keeps every warmed-up v1 indicator; the added
 * ones warm up from the swap on.
 */
export function create(ctx: ModuleContext): ModuleInstance<'features'> {
  return createIndicatorsModule(ctx, { extended: true, stateVersion: 2, migratesFrom: [1] });
}
