import type { ModuleContext, ModuleInstance } from '../../../../src/contracts/module.ts';
import { createDirectionModule } from '../../../lib/ml/directionModule.ts';
import weights from './weights.json' with { type: 'json' };

/** The model is whatever weights.json holds (written by `npm run train`); the code is shared by every version. */
export function create(ctx: ModuleContext): ModuleInstance<'ml'> {
  return createDirectionModule(ctx, weights);
}
