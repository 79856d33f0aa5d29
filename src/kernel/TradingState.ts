import { HeliosError } from '../errors/HeliosError.ts';

export const TRADING_MODES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingMode = (typeof TRADING_MODES)[number];

export interface TradingTransition {
  from: TradingMode;
  to: TradingMode;
  reason: string;
  actor: string;
  at: number;
  /** The next sequence number at the moment it took effect. */
  seq: number;
}

const STRICTNESS: Record<TradingMode, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/**
 * The global trading mode. It may always be tightened (ACTIVE -> REDUCING ->
 * HALTED) by anyone with the kill switch, but only an explicit reset with a
 * reason loosens it, so nothing automatic can ever resume trading.
 */
export class TradingState {
  #mode: TradingMode;
  #last: TradingTransition | undefined;
  #listeners = new Set<(t: TradingTransition) => void>();
  #seq: () => number;
  #now: () => number;

  constructor(opts: { initial?: TradingMode; seq: () => number; now?: () => number }) {
    this.#mode = opts.initial ?? 'ACTIVE';
    this.#seq = opts.seq;
    this.#now = opts.now ?? Date.now;
  }

  get mode(): TradingMode {
    return this.#mode;
  }

  get last(): TradingTransition | undefined {
    return this.#last;
  }

  /** Tightens the mode; takes effect synchronously, before any further batch leaves execution. */
  tighten(to: Exclude<TradingMode, 'ACTIVE'>, reason: string, actor: string): TradingTransition {
    if (reason.trim() === '') throw new HeliosError('HELIOS_E_INPUT_INVALID', 'a reason is required');
    if (STRICTNESS[to] < STRICTNESS[this.#mode]) {
      throw new HeliosError('HELIOS_E_INPUT_INVALID', `cannot loosen ${this.#mode} to ${to} without a reset`, { from: this.#mode, to });
    }
    return this.#move(to, reason, actor);
  }

  /** The only way back to ACTIVE. */
  reset(reason: string, actor: string): TradingTransition {
    if (reason.trim() === '') throw new HeliosError('HELIOS_E_INPUT_INVALID', 'a reason is required to reset trading');
    return this.#move('ACTIVE', reason, actor);
  }

  onChange(listener: (t: TradingTransition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #move(to: TradingMode, reason: string, actor: string): TradingTransition {
    const t: TradingTransition = { from: this.#mode, to, reason, actor, at: this.#now(), seq: this.#seq() };
    this.#mode = to;
    this.#last = t;
    for (const l of this.#listeners) l(t);
    return t;
  }
}
