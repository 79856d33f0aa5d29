import type { GarchTrackerOptions } from './GarchTracker.ts';
import type { ExposureLimits } from './limits.ts';
import type { PolicyLimits } from './policy.ts';

/**
 * The risk sizer's configuration (manifest `config`, flat keys), defaults in
 * brackets. Fractions are plain numbers (0.01 = 1%); money is in the account
 * currency.
 *
 * Account and sizing:
 * - capital [100000]: equity assumed when `account.snapshot` answers null.
 * - minConfidence [0.55]: signals below this calibrated probability are denied.
 * - payoffRatio [1]: b of the Kelly bet, average win over average loss.
 * - kellyFraction [0.25]: the share of full Kelly used (quarter Kelly).
 * - kellyCap [0.2]: the Kelly stake never exceeds this fraction of equity.
 * - targetAnnualVol [0.15]: annual volatility of one position under volatility targeting.
 * - periodsPerYear [525600]: return periods a year; the default is one-minute bars traded around the clock.
 * - volFloor [1e-6]: per-period volatility below this is read as this (a flat price must not size to infinity).
 * - warmupReturns [20]: returns a symbol needs before it is sized; also the EWMA's seeding length.
 *
 * Limits:
 * - maxPositionNotional [25000]: |position| notional per symbol.
 * - maxGrossLeverage [2]: sum of |position notional| over symbols / equity.
 * - maxOrderNotional [10000]: how far one decision may grow a position beyond what is held.
 *
 * Policy (fractions of dayStartEquity / peak equity):
 * - reduceDailyLoss [0.01], haltDailyLoss [0.02], reduceDrawdown [0.05], haltDrawdown [0.10].
 *
 * Volatility model:
 * - garchWindow [1000]: returns a GARCH refit sees. garchRefitEvery [250]: returns between refits.
 * - garchMinFit [250]: returns before the first fit (EWMA until then). ewmaLambda [0.94].
 * - maxFitsPerBatch [4]: refits per batch at most (each is a few ms; the rest wait a batch).
 */
export interface SizerConfig {
  capital: number;
  minConfidence: number;
  payoffRatio: number;
  kellyFraction: number;
  kellyCap: number;
  targetAnnualVol: number;
  periodsPerYear: number;
  volFloor: number;
  warmupReturns: number;
  limits: ExposureLimits;
  policy: PolicyLimits;
  tracker: GarchTrackerOptions;
  maxFitsPerBatch: number;
}

/** Reads one numeric key: default when absent, a RangeError when present and out of [min, max]. */
export function readNumber(raw: Readonly<Record<string, unknown>>, key: string, fallback: number, min: number, max: number, integer = false): number {
  const v = raw[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new RangeError(`config ${key}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return v;
}

export function parseSizerConfig(raw: Readonly<Record<string, unknown>>): SizerConfig {
  const n = (key: string, fallback: number, min: number, max: number, integer = false): number => readNumber(raw, key, fallback, min, max, integer);
  const warmupReturns = n('warmupReturns', 20, 1, 10_000, true);
  const cfg: SizerConfig = {
    capital: n('capital', 100_000, 0, 1e15),
    minConfidence: n('minConfidence', 0.55, 0, 1),
    payoffRatio: n('payoffRatio', 1, 1e-6, 1e6),
    kellyFraction: n('kellyFraction', 0.25, 0, 1),
    kellyCap: n('kellyCap', 0.2, 0, 10),
    targetAnnualVol: n('targetAnnualVol', 0.15, 0, 10),
    periodsPerYear: n('periodsPerYear', 525_600, 1, 1e9),
    volFloor: n('volFloor', 1e-6, 1e-12, 1),
    warmupReturns,
    limits: Object.freeze({
      maxPositionNotional: n('maxPositionNotional', 25_000, 0, 1e15),
      maxGrossLeverage: n('maxGrossLeverage', 2, 0, 100),
      maxOrderNotional: n('maxOrderNotional', 10_000, 0, 1e15),
    }),
    policy: Object.freeze({
      reduceDailyLoss: n('reduceDailyLoss', 0.01, 1e-6, 1),
      haltDailyLoss: n('haltDailyLoss', 0.02, 1e-6, 1),
      reduceDrawdown: n('reduceDrawdown', 0.05, 1e-6, 1),
      haltDrawdown: n('haltDrawdown', 0.1, 1e-6, 1),
    }),
    tracker: Object.freeze({
      window: n('garchWindow', 1000, 30, 100_000, true),
      refitEvery: n('garchRefitEvery', 250, 1, 100_000, true),
      minFit: n('garchMinFit', 250, 30, 100_000, true),
      ewmaLambda: n('ewmaLambda', 0.94, 1e-6, 1 - 1e-6),
      ewmaSeed: warmupReturns,
    }),
    maxFitsPerBatch: n('maxFitsPerBatch', 4, 0, 1000, true),
  };
  if (cfg.tracker.minFit > cfg.tracker.window) throw new RangeError('config garchMinFit must not exceed garchWindow');
  if (cfg.policy.reduceDailyLoss > cfg.policy.haltDailyLoss) throw new RangeError('config reduceDailyLoss must not exceed haltDailyLoss');
  if (cfg.policy.reduceDrawdown > cfg.policy.haltDrawdown) throw new RangeError('config reduceDrawdown must not exceed haltDrawdown');
  return Object.freeze(cfg);
}
