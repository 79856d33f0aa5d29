import type { RiskDecision, Signal } from '../../../src/contracts/tiers.ts';
import { limitCaps, type ExposureLimits, type ExposureView } from './limits.ts';
import type { TradingMode } from './policy.ts';

/** One candidate cap on a target's notional, named for the reason text. */
export type Cap = readonly [name: string, notional: number];

/** Everything a decision depends on besides the version's own sizing rule. */
export interface DecisionInput {
  signal: Signal;
  mode: TradingMode;
  /** Forecast per-period volatility (fraction), null before the first return. */
  sigma: number | null;
  /** Where sigma came from ('garch', 'ewma'), for the reason. */
  sigmaSource: string;
  /** Returns this symbol has seen. */
  returns: number;
  exposure: ExposureView;
  minConfidence: number;
  warmupReturns: number;
  limits: ExposureLimits;
}

/** A version's sizing rule: its own caps (Kelly, volatility target, ...); the limits are added for it. */
export type SizingRule = (signal: Signal, sigma: number, exposure: ExposureView) => Cap[];

const money = (x: number): string => x.toFixed(2);

/** `x` in few digits, unless rounding would make it look as large as `limit` (0.5499999 is not "0.55 below 0.55"). */
function shortBelow(x: number, limit: number): string {
  const short = Number(x.toPrecision(4));
  return short < limit ? String(short) : String(x);
}

/**
 * Turns a signal into a decision. The gates come first, in this order:
 * HALTED denies everything; direction 0 is an approved flat target; low
 * confidence and a cold volatility estimate deny. Otherwise the target
 * notional is the smallest of the rule's caps, the limits and, when REDUCING,
 * the same-side exposure already held (no new exposure), floored to whole
 * units; the reason names the cap that binds and lists every one.
 */
export function decide(input: DecisionInput, rule: SizingRule): RiskDecision {
  const s = input.signal;
  const dir: 1 | -1 = s.direction < 0 ? -1 : 1;
  const base = { seq: s.seq, symbol: s.symbol, ts: s.ts, price: s.price, source: s.source, side: dir < 0 ? ('sell' as const) : ('buy' as const) };
  const tail = { confidence: s.confidence, ...(input.sigma !== null ? { volatility: input.sigma } : {}) };
  const deny = (reason: string): RiskDecision => ({ ...base, quantity: 0, approved: false, reason, ...tail });

  if (input.mode === 'HALTED') return deny('trading HALTED');
  if (s.direction === 0) return { ...base, side: 'buy', quantity: 0, approved: true, reason: 'flat signal', ...tail };
  if (s.confidence < input.minConfidence) return deny(`confidence ${shortBelow(s.confidence, input.minConfidence)} below ${input.minConfidence}`);
  if (input.sigma === null || input.returns < input.warmupReturns) return deny(`volatility warming up: ${input.returns} of ${input.warmupReturns} returns`);
  if (!(input.exposure.equity > 0)) return deny(`no equity to size against (${money(input.exposure.equity)})`);

  const caps: Cap[] = [...rule(s, input.sigma, input.exposure)];
  const l = limitCaps(input.limits, input.exposure, dir);
  caps.push(['symbol limit', l.symbol], ['leverage room', l.leverage], ['order limit', l.order]);
  if (input.mode === 'REDUCING') caps.push(['REDUCING (no new exposure)', Math.max(0, dir * input.exposure.heldNotional)]);
  let bind = caps[0]!;
  for (const c of caps) if (c[1] < bind[1]) bind = c;
  const notional = Math.max(0, bind[1]);
  // The epsilon keeps 289.99999999999994 units from flooring to 289.
  const quantity = Math.floor(notional / s.price + 1e-9);
  const listed = `(${caps.map(([n, v]) => `${n} ${money(v)}`).join(', ')}); sigma ${(input.sigma * 100).toFixed(4)}%/period (${input.sigmaSource})`;
  if (quantity <= 0) {
    if (input.mode === 'REDUCING' && bind[0].startsWith('REDUCING')) return { ...base, quantity: 0, approved: true, reason: `REDUCING: flat, no new exposure ${listed}`, ...tail };
    return deny(`size rounds to zero: ${bind[0]} allows ${money(notional)} ${listed}`);
  }
  return { ...base, quantity, approved: true, reason: `${bind[0]} binds at ${money(notional)} ${listed}`, ...tail };
}
