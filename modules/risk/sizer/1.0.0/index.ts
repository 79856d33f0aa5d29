import type { Cloneable, ModuleContext, ModuleInstance } from '../../../../src/contracts/module.ts';
import type { RiskDecision, Signal } from '../../../../src/contracts/tiers.ts';
import type { SizingRule } from '../../../lib/risk/decision.ts';
import { fractionalKelly } from '../../../lib/risk/kelly.ts';
import { SizerCore } from '../../../lib/risk/SizerCore.ts';
import { volTargetNotional } from '../../../lib/risk/volTarget.ts';

export const STATE_VERSION = 1;

/**
 * Sizer 1.0.0: the target is the smaller of a fractional-Kelly stake and a
 * volatility-targeted notional (GARCH(1,1) forecast), then every hard limit.
 * Kelly decides how much the edge is worth; the volatility target stops a
 * confident signal on a wild instrument from taking a wild position.
 */
export function create(ctx: ModuleContext): ModuleInstance<'risk'> {
  const core = new SizerCore(ctx);
  const c = core.config;
  const rule: SizingRule = (s, sigma, x) => [
    ['kelly', x.equity * fractionalKelly(s.confidence, c.payoffRatio, c.kellyFraction, c.kellyCap)],
    ['vol target', volTargetNotional(x.equity, c.targetAnnualVol, c.periodsPerYear, sigma, c.volFloor)],
  ];
  return {
    async handle(items: Signal[]): Promise<RiskDecision[]> {
      const world = await core.prepare();
      return items.map((s) => {
        core.observe(s);
        return core.decide(s, world, rule);
      });
    },
    snapshot: () => core.toState() as unknown as Cloneable,
    restore(state: Cloneable, fromStateVersion: number): void {
      if (fromStateVersion !== STATE_VERSION) throw new RangeError(`sizer 1.0.0 reads state version ${STATE_VERSION}, not ${fromStateVersion}`);
      core.restore(state);
    },
    dispose() {},
  };
}
