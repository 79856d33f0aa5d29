import type { Cloneable, ModuleContext, ModuleInstance } from '../../../../src/contracts/module.ts';
import type { RiskDecision, Signal } from '../../../../src/contracts/tiers.ts';
import type { SizingRule } from '../../../lib/risk/decision.ts';
import { fractionalKelly, kellyFraction } from '../../../lib/risk/kelly.ts';
import { readNumber } from '../../../lib/risk/sizerConfig.ts';
import { SizerCore } from '../../../lib/risk/SizerCore.ts';
import { volTargetNotional } from '../../../lib/risk/volTarget.ts';
import { ForecastCalibration } from './ForecastCalibration.ts';

export const STATE_VERSION = 2;

/**
 * Sizer 1.1.0: volatility targeting first. The target notional is the
 * volatility-targeted one scaled by the signal's edge, f*(p) / f*(fullConfidence)
 * clamped to [0, 1] (so at p = fullConfidence a position carries the whole
 * target volatility, at break-even none), with the Kelly stake (half Kelly by
 * default) only as a cap. The volatility forecast is corrected by how the
 * symbol's past forecasts have fared (ForecastCalibration).
 *
 * Extra config: fullConfidence [0.75], calibrationLambda [0.98].
 * State version 2 = version 1 plus the calibration; a version-1 state is
 * migrated (trackers and policy kept, calibration starting neutral).
 */
export function create(ctx: ModuleContext): ModuleInstance<'risk'> {
  const core = new SizerCore(ctx);
  const c = core.config;
  const fullConfidence = readNumber(ctx.config, 'fullConfidence', 0.75, 0, 1);
  const calibrationLambda = readNumber(ctx.config, 'calibrationLambda', 0.98, 0, 1 - 1e-9);
  const fullEdge = kellyFraction(fullConfidence, c.payoffRatio);
  if (!(fullEdge > 0)) throw new RangeError(`config fullConfidence ${fullConfidence} has no edge at payoff ratio ${c.payoffRatio}`);
  let calibration = new ForecastCalibration(calibrationLambda);

  const rule: SizingRule = (s, sigma, x) => {
    const edge = Math.min(1, Math.max(0, kellyFraction(s.confidence, c.payoffRatio) / fullEdge));
    return [
      ['edge-scaled vol target', edge * volTargetNotional(x.equity, c.targetAnnualVol, c.periodsPerYear, sigma, c.volFloor)],
      ['kelly cap', x.equity * fractionalKelly(s.confidence, c.payoffRatio, c.kellyFraction, c.kellyCap)],
    ];
  };

  return {
    async handle(items: Signal[]): Promise<RiskDecision[]> {
      const world = await core.prepare();
      return items.map((s) => {
        const obs = core.observe(s);
        // Forecasts made before the EWMA has its seed are noise, not evidence of miscalibration.
        const tracker = core.book.tracker(s.symbol);
        if (obs && obs.forecastVariance !== null && tracker && tracker.count > c.warmupReturns) calibration.record(s.symbol, obs.ret, obs.forecastVariance);
        const raw = core.sigma(s.symbol);
        return core.decide(s, world, rule, raw === null ? null : raw * calibration.scale(s.symbol));
      });
    },
    snapshot: () => ({ ...core.toState(), calibration: calibration.toState() }) as unknown as Cloneable,
    restore(state: Cloneable, fromStateVersion: number): void {
      if (fromStateVersion !== 1 && fromStateVersion !== STATE_VERSION) throw new RangeError(`sizer 1.1.0 reads state versions 1 and ${STATE_VERSION}, not ${fromStateVersion}`);
      const next = fromStateVersion === 1 ? new ForecastCalibration(calibrationLambda) : ForecastCalibration.fromState((state as Record<string, unknown> | null)?.calibration, calibrationLambda);
      core.restore(state);
      calibration = next;
    },
    dispose() {},
  };
}
