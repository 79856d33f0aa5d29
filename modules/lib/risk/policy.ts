import type { AccountSnapshot, TightenRequest } from '../../../src/contracts/effects.ts';

export type TradingMode = AccountSnapshot['mode'];

/** Loss limits as fractions (0.02 = 2%). A reduce limit must not exceed its halt limit. */
export interface PolicyLimits {
  /** Daily loss (-dailyPnl / dayStartEquity) at which trading is reduced. */
  reduceDailyLoss: number;
  haltDailyLoss: number;
  /** Drawdown from peak equity at which trading is reduced. */
  reduceDrawdown: number;
  haltDrawdown: number;
}

export const DEFAULT_POLICY_LIMITS: PolicyLimits = { reduceDailyLoss: 0.01, haltDailyLoss: 0.02, reduceDrawdown: 0.05, haltDrawdown: 0.1 };

export interface PolicyState {
  [key: string]: unknown;
  /** The strictest mode this policy has decided or seen; it never loosens by itself. */
  mode: TradingMode;
  /** The strictest mode it has asked the kernel for. */
  asked: TradingMode;
  /** The kernel has been seen at `mode` (so a later, looser kernel mode is an operator's reset). */
  applied: boolean;
}

export interface Assessment {
  /** The mode to trade under now: the stricter of the kernel's and the policy's. */
  mode: TradingMode;
  /** Ask the kernel to tighten (the `trading.tighten` payload), or null when nothing new is needed. */
  request: TightenRequest | null;
}

type Metrics = Pick<AccountSnapshot, 'mode' | 'dailyPnl' | 'dayStartEquity' | 'drawdown'>;

const RANK: Record<TradingMode, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };
const stricter = (a: TradingMode, b: TradingMode): TradingMode => (RANK[a] >= RANK[b] ? a : b);
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/**
 * Moves trading to REDUCING or HALTED on its own when a daily-loss or
 * drawdown limit is hit, and never back: only an operator resets, which the
 * policy recognises as the kernel's mode dropping below one it was already
 * seen to hold. After such a reset the limits are armed again, so a breach
 * that persists re-tightens at once (raise the limit or wait for the next
 * trading day to trade on).
 *
 * It asks once per escalation: a second assessment that finds the same
 * breach asks nothing, a worse one (REDUCING -> HALTED) asks again.
 */
export class TradingPolicy {
  readonly limits: PolicyLimits;
  #mode: TradingMode = 'ACTIVE';
  #asked: TradingMode = 'ACTIVE';
  #applied = false;
  #askedBefore: TradingMode = 'ACTIVE';

  constructor(limits: Partial<PolicyLimits> = {}) {
    const l = { ...DEFAULT_POLICY_LIMITS, ...limits };
    for (const [k, v] of Object.entries(l)) if (!(v > 0 && v <= 1)) throw new RangeError(`${k} must be in (0, 1], got ${v}`);
    if (l.reduceDailyLoss > l.haltDailyLoss) throw new RangeError('reduceDailyLoss must not exceed haltDailyLoss');
    if (l.reduceDrawdown > l.haltDrawdown) throw new RangeError('reduceDrawdown must not exceed haltDrawdown');
    this.limits = Object.freeze(l);
  }

  get mode(): TradingMode {
    return this.#mode;
  }

  assess(account: Metrics): Assessment {
    const seen = account.mode;
    if (this.#applied && RANK[seen] < RANK[this.#mode]) {
      this.#mode = seen;
      this.#asked = seen;
      this.#applied = false;
    }
    const breach = this.breach(account);
    this.#mode = stricter(stricter(this.#mode, seen), breach.mode);
    let request: TightenRequest | null = null;
    if (breach.mode !== 'ACTIVE' && RANK[breach.mode] > RANK[this.#asked] && RANK[breach.mode] > RANK[seen]) {
      request = { mode: breach.mode, reason: breach.reason };
      this.#askedBefore = this.#asked;
      this.#asked = breach.mode;
    }
    if (this.#mode !== 'ACTIVE' && RANK[seen] >= RANK[this.#mode]) this.#applied = true;
    return { mode: this.#mode, request };
  }

  /** The tighten call did not get through: ask again at the next assessment. */
  requestFailed(request: TightenRequest): void {
    if (this.#asked === request.mode) this.#asked = this.#askedBefore;
  }

  /** The mode the limits alone call for, with the reason of the strictest breach. */
  breach(account: Metrics): { mode: TradingMode; reason: string } {
    const l = this.limits;
    const dailyLoss = account.dayStartEquity > 0 ? Math.max(0, -account.dailyPnl / account.dayStartEquity) : 0;
    const drawdown = Math.max(0, account.drawdown);
    const checks: [number, number, TradingMode, string][] = [
      [dailyLoss, l.haltDailyLoss, 'HALTED', 'daily loss'],
      [drawdown, l.haltDrawdown, 'HALTED', 'drawdown'],
      [dailyLoss, l.reduceDailyLoss, 'REDUCING', 'daily loss'],
      [drawdown, l.reduceDrawdown, 'REDUCING', 'drawdown'],
    ];
    for (const [value, limit, mode, what] of checks) {
      if (value >= limit) return { mode, reason: `${what} ${pct(value)} >= ${pct(limit)} limit` };
    }
    return { mode: 'ACTIVE', reason: 'within limits' };
  }

  toState(): PolicyState {
    return { mode: this.#mode, asked: this.#asked, applied: this.#applied };
  }

  static fromState(s: PolicyState, limits: Partial<PolicyLimits> = {}): TradingPolicy {
    const p = new TradingPolicy(limits);
    if (!(s.mode in RANK) || !(s.asked in RANK)) throw new RangeError(`not a policy state: ${JSON.stringify(s)}`);
    p.#mode = s.mode;
    p.#asked = s.asked;
    p.#applied = s.applied === true;
    return p;
  }
}
