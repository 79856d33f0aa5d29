import type { AccountSnapshot } from '../../../src/contracts/effects.ts';
import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { OrderIntent, TargetPosition } from '../../../src/contracts/tiers.ts';
import { intentsFor, orderQuantity, readAccount, readConfig } from './sizing.ts';

/**
 * Turns target positions into orders for the difference between each target
 * and what the kernel's book holds plus what is already working, read once
 * per batch. Stateless: the book, not this module, knows what was ordered,
 * so a swap or a restart loses nothing and a replay orders nothing twice.
 */
export function create(ctx: ModuleContext): ModuleInstance<'execution'> {
  const cfg = readConfig(ctx.config);
  return {
    async handle(items: TargetPosition[]): Promise<OrderIntent[]> {
      if (items.length === 0) return [];
      // The latest target per symbol wins; outputs keep the order of those winners.
      const latest = new Map<string, TargetPosition>();
      for (const t of items) {
        latest.delete(t.symbol);
        latest.set(t.symbol, t);
      }
      const account = readAccount((await ctx.effects.call('account.snapshot', null)) as AccountSnapshot | null);
      if (account.mode === 'HALTED') return [];
      const out: OrderIntent[] = [];
      for (const t of latest.values()) {
        const signed = orderQuantity(t.targetQuantity, account.holding(t.symbol), account.mode, cfg.lotSize);
        if (signed !== 0) out.push(...intentsFor(t, signed, cfg));
      }
      return out;
    },
    snapshot: () => null,
    restore(_state, from) {
      if (from !== 1) throw new Error(`trader: cannot migrate state version ${from}`);
    },
    dispose() {},
  };
}
