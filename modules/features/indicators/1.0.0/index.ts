import type { ModuleContext, ModuleInstance } from '../../../../src/contracts/module.ts';
import { createIndicatorsModule } from '../../../lib/indicators/IndicatorsModule.ts';

/** The v1 feature set (FEATURE_NAMES in lib/indicators/FeatureEngine.ts). */
export function create(ctx: ModuleContext): ModuleInstance<'features'> {
  return createIndicatorsModule(ctx, { extended: false, stateVersion: 1, migratesFrom: [] });
}
