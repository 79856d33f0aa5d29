import type { RiskDecision, Review, Signal, Tier } from '../contracts/tiers.ts';

/**
 * What a tier produces while it is disabled, killed or behind an open breaker.
 * Each is the conservative answer for that tier: no data rather than stale
 * data, no approval rather than an unchecked one, no order rather than a
 * possibly wrong one.
 */
export type FailSafe = (items: readonly unknown[]) => unknown[];

const nothing: FailSafe = () => [];

/** Risk fails closed: every signal is denied, as an auditable decision. */
const denyAll: FailSafe = (items) =>
  (items as Signal[]).map(
    (s): RiskDecision => ({
      seq: s.seq,
      symbol: s.symbol,
      ts: s.ts,
      price: s.price,
      source: s.source,
      side: s.direction < 0 ? 'sell' : 'buy',
      quantity: 0,
      approved: false,
      reason: 'fail-safe: risk tier unavailable',
    }),
  );

/**
 * The rule-based reviewer the LLM tier falls back to: approve only what risk
 * approved with a positive size, never enlarge anything.
 */
export const ruleBasedReview: FailSafe = (items) =>
  (items as RiskDecision[]).map(
    (d): Review => ({
      seq: d.seq,
      symbol: d.symbol,
      ts: d.ts,
      price: d.price,
      side: d.side,
      quantity: d.approved ? d.quantity : 0,
      verdict: d.approved && d.quantity > 0 ? 'APPROVE' : 'REJECT',
      reviewer: 'rule-based-fallback',
      rationale: d.approved ? 'fallback reviewer: risk-approved trade' : `fallback reviewer: ${d.reason}`,
    }),
  );

export const FAILSAFES: Record<Tier, FailSafe> = {
  ingestion: nothing, // stops: no market data rather than unvalidated data
  features: nothing, // hold
  ml: nothing, // hold
  risk: denyAll, // fail closed
  llm: ruleBasedReview,
  portfolio: nothing, // targets stay where they were
  execution: nothing, // no orders
};
