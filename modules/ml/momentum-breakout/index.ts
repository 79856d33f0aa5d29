import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import { createStrategyModule } from '../../lib/strategies/strategyModule.ts';

export function create(ctx: ModuleContext): ModuleInstance<'ml'> {
  return createStrategyModule(ctx, 'momentum-breakout');
}
