import type { AccountSnapshot } from '../../../src/contracts/effects.ts';
import type { ModuleContext } from '../../../src/contracts/module.ts';
import type { RiskDecision, Signal } from '../../../src/contracts/tiers.ts';
import { exposureFor, readAccount } from './account.ts';
import { decide, type SizingRule } from './decision.ts';
import { TradingPolicy, type PolicyState, type TradingMode } from './policy.ts';
import { parseSizerConfig, type SizerConfig } from './sizerConfig.ts';
import { VolBook, type Observation, type VolBookState } from './VolBook.ts';

/** The account and trading mode one batch is sized under. */
export interface BatchWorld {
  account: AccountSnapshot | null;
  mode: TradingMode;
}

export interface CoreState {
  [key: string]: unknown;
  policy: PolicyState;
  book: VolBookState;
}

/**
 * What every version of the risk sizer shares: the account read, the loss
 * policy and its `trading.tighten` call, the per-symbol volatility book and
 * the decision gates. A version supplies its sizing rule and its state shape.
 */
export class SizerCore {
  readonly config: SizerConfig;
  #ctx: ModuleContext;
  #policy: TradingPolicy;
  #book: VolBook;

  constructor(ctx: ModuleContext) {
    this.#ctx = ctx;
    this.config = parseSizerConfig(ctx.config);
    this.#policy = new TradingPolicy(this.config.policy);
    this.#book = new VolBook(this.config.tracker, this.config.maxFitsPerBatch);
  }

  get book(): VolBook {
    return this.#book;
  }

  get policy(): TradingPolicy {
    return this.#policy;
  }

  /**
   * One `account.snapshot` per batch, then the policy, before any sizing. No
   * account (null, malformed, or the call failed) means the configured capital,
   * an empty book and no policy action; the policy's remembered mode still holds.
   */
  async prepare(): Promise<BatchWorld> {
    this.#book.beginBatch();
    let answer: unknown = null;
    try {
      answer = await this.#ctx.effects.call('account.snapshot', null);
    } catch (e) {
      this.#ctx.log.warn('account.snapshot failed; sizing on configured capital', { error: String(e) });
    }
    const account = readAccount(answer);
    if (!account) return { account: null, mode: this.#policy.mode };
    const { mode, request } = this.#policy.assess(account);
    if (request) {
      try {
        await this.#ctx.effects.call('trading.tighten', { mode: request.mode, reason: request.reason });
        this.#ctx.log.warn(`asked for ${request.mode}: ${request.reason}`);
      } catch (e) {
        this.#policy.requestFailed(request);
        this.#ctx.log.error('trading.tighten failed; will ask again', { mode: request.mode, reason: request.reason, error: String(e) });
      }
    }
    return { account, mode };
  }

  /** Feeds the signal's price to its symbol's volatility tracker (once per new ts). */
  observe(s: Signal): Observation | null {
    return this.#book.observe(s.symbol, s.ts, s.price);
  }

  /** The forecast volatility the decision for `symbol` would use, before any adjustment a version makes. */
  sigma(symbol: string): number | null {
    const raw = this.#book.sigma(symbol);
    return raw === null ? null : Math.max(raw, this.config.volFloor);
  }

  decide(s: Signal, world: BatchWorld, rule: SizingRule, sigma = this.sigma(s.symbol)): RiskDecision {
    const tracker = this.#book.tracker(s.symbol);
    return decide(
      {
        signal: s,
        mode: world.mode,
        sigma,
        sigmaSource: tracker?.source ?? 'none',
        returns: tracker?.count ?? 0,
        exposure: exposureFor(world.account, s.symbol, s.price, this.config.capital),
        minConfidence: this.config.minConfidence,
        warmupReturns: this.config.warmupReturns,
        limits: this.config.limits,
      },
      rule,
    );
  }

  toState(): CoreState {
    return { policy: this.#policy.toState(), book: this.#book.toState() };
  }

  restore(state: unknown): void {
    if (typeof state !== 'object' || state === null) throw new TypeError('sizer state must be an object');
    const s = state as Partial<CoreState>;
    if (typeof s.policy !== 'object' || s.policy === null) throw new TypeError('sizer state has no policy');
    const policy = TradingPolicy.fromState(s.policy, this.config.policy);
    const book = VolBook.fromState(s.book, this.config.tracker, this.config.maxFitsPerBatch);
    this.#policy = policy;
    this.#book = book;
  }
}
