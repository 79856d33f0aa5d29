import type { Cloneable, ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { LlmReviewRequest } from '../../../src/contracts/effects.ts';
import type { Review, RiskDecision } from '../../../src/contracts/tiers.ts';
import { checkAnswer } from '../../lib/review/checkAnswer.ts';
import { ruleBasedReview } from '../../lib/review/ruleBased.ts';
import { readConfig } from './config.ts';
import { observe, summarise, type PriceHistory } from './MarketContext.ts';

const STATE_VERSION = 1;
const TIMED_OUT = Symbol('timed out');
/** Longest cause quoted in a fallback rationale; error messages can carry a provider's whole reply. */
const MAX_CAUSE = 200;

/**
 * The strategic reviewer. Denied decisions become REJECT (reviewer "risk") and
 * flat ones APPROVE without asking anyone; every other trade goes to the
 * `llm.review` effect with a market-context summary built from this module's
 * own price history, and the answer is checked again here. No answer in time,
 * an error, null or an answer that breaks the rules: the rule-based reviewer
 * decides, and the rationale says so and why.
 */
export function create(ctx: ModuleContext): ModuleInstance<'llm'> {
  const cfg = readConfig(ctx.config);
  let history: Record<string, PriceHistory> = {};

  const fallback = (d: RiskDecision, cause: string): Review => {
    const r = ruleBasedReview(d, cfg.rules);
    return review(d, r.verdict, r.quantity, 'rule-based', `rule-based fallback (${cause}): ${r.rationale}`);
  };

  /** Asks the provider with a timer of our own: the kernel's deadline would fail the whole batch, not this item. */
  const askModel = async (d: RiskDecision, context: string): Promise<Review> => {
    const request: LlmReviewRequest = {
      symbol: d.symbol,
      side: d.side,
      quantity: d.quantity,
      price: d.price,
      source: d.source,
      // The request needs a number; the context says when it was not given.
      confidence: d.confidence ?? 0.5,
      context,
      timeoutMs: cfg.timeoutMs,
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), cfg.timeoutMs);
    });
    try {
      const answer = await Promise.race([ctx.effects.call('llm.review', request as unknown as Cloneable), timeout]);
      if (answer === TIMED_OUT) return fallback(d, `no provider answer within ${cfg.timeoutMs} ms`);
      if (answer === null) return fallback(d, 'no provider answer');
      const a = checkAnswer(answer, d.quantity);
      if (!a.ok) return fallback(d, `invalid provider answer: ${a.why}`);
      return review(d, a.verdict, a.quantity, a.provider, a.rationale);
    } catch (e) {
      return fallback(d, `provider failed: ${describe(e)}`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    handle(items: RiskDecision[]): Promise<Review[]> {
      // Context is recorded in input order before anything waits, so each
      // summary sees exactly the prices up to its own item; the provider calls
      // then run concurrently and Promise.all keeps the input order.
      const out = items.map((d): Review | Promise<Review> => {
        observe(history, d.symbol, d.ts, d.price, cfg.contextWindow);
        if (!d.approved) return review(d, 'REJECT', 0, 'risk', d.reason);
        if (d.quantity === 0) return review(d, 'APPROVE', 0, 'rule-based', 'flat target: nothing to review');
        if (!cfg.useProvider) {
          const r = ruleBasedReview(d, cfg.rules);
          return review(d, r.verdict, r.quantity, 'rule-based', r.rationale);
        }
        return askModel(d, summarise(history[d.symbol], d));
      });
      return Promise.all(out);
    },
    snapshot: () => ({ history: structuredClone(history) }) as unknown as Cloneable,
    restore(state: Cloneable, fromStateVersion: number) {
      if (fromStateVersion !== STATE_VERSION) throw new Error(`reviewer: cannot adopt state version ${fromStateVersion}`);
      const h = (state as { history?: unknown } | null)?.history;
      if (h === null || typeof h !== 'object' || Array.isArray(h)) throw new Error('reviewer: state has no history object');
      history = h as Record<string, PriceHistory>;
    },
    dispose() {},
  };
}

function review(d: RiskDecision, verdict: Review['verdict'], quantity: number, reviewer: string, rationale: string): Review {
  const r: Review = { seq: d.seq, symbol: d.symbol, ts: d.ts, price: d.price, side: d.side, quantity, verdict, reviewer, rationale, source: d.source };
  if (d.confidence !== undefined) r.confidence = d.confidence;
  if (d.volatility !== undefined) r.volatility = d.volatility;
  return r;
}

function describe(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const text = typeof code === 'string' ? `${code}: ${message}` : message;
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE)}...` : text;
}
