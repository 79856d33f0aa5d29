/**
 * The side effects a module may ask the kernel for, through
 * `ctx.effects.call(name, payload)`. They are the only way a module reaches
 * the account, the trading state or the network, which is what lets a shadow
 * copy run beside the live one: read-only effects answer a shadow call the
 * same as a live one; effects that act (`trading.tighten`, `llm.review`) do
 * nothing for a shadow call and answer `null` or throw, so a shadow copy can
 * never move trading state or spend a provider's tokens.
 *
 * Every payload and answer is structured-clone safe (they cross a worker
 * boundary). Modules import these as types only.
 */

export const EFFECTS = {
  /** Read-only. The kernel's book: positions, open orders, equity, P&L, drawdown, mode. Payload: null. */
  accountSnapshot: 'account.snapshot',
  /** Acts. Tighten trading to REDUCING or HALTED; the kernel audits and persists it. Payload: TightenRequest. */
  tradingTighten: 'trading.tighten',
  /** Acts. Ask the configured LLM provider to review one trade. Payload: LlmReviewRequest. */
  llmReview: 'llm.review',
  /** Acts (counts). Report quarantined market data by reason. Payload: QuarantineReport. */
  quarantine: 'ingestion.quarantine',
} as const;

export type EffectName = (typeof EFFECTS)[keyof typeof EFFECTS];

export interface PositionView {
  /** Signed quantity held. */
  quantity: number;
  avgPrice: number;
  /** Last mark used for equity. */
  markPrice: number;
  realizedPnl: number;
}

/** Answer to `account.snapshot`. Money in the account currency; quantities signed (sell negative). */
export interface AccountSnapshot {
  [key: string]: unknown;
  /** Event time of the last market event the book has seen, epoch ms. */
  asOf: number;
  mode: 'ACTIVE' | 'REDUCING' | 'HALTED';
  cash: number;
  /** Cash plus positions at their marks. */
  equity: number;
  /** Equity at the start of the current UTC trading day (event time). */
  dayStartEquity: number;
  /** Highest equity seen. */
  peakEquity: number;
  /** equity - dayStartEquity. */
  dailyPnl: number;
  /** 1 - equity / peakEquity, in [0, 1]. */
  drawdown: number;
  /** Sum of |quantity * mark| over positions. */
  grossExposure: number;
  fees: number;
  positions: Record<string, PositionView>;
  /** Signed quantity still working in open orders, per symbol. */
  pending: Record<string, number>;
}

export interface TightenRequest {
  [key: string]: unknown;
  mode: 'REDUCING' | 'HALTED';
  reason: string;
}

/** The trade an LLM is asked about, and the market around it. */
export interface LlmReviewRequest {
  [key: string]: unknown;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  source: string;
  confidence: number;
  /** A short market-context summary the module built (trend, volatility, position). */
  context: string;
  /** The provider call is abandoned after this long; the module falls back. */
  timeoutMs: number;
}

/** What `llm.review` answers once the provider's reply has passed the schema. */
export interface LlmReviewAnswer {
  [key: string]: unknown;
  verdict: 'APPROVE' | 'REJECT' | 'MODIFY';
  /** For MODIFY: the new quantity, never larger than asked. */
  quantity: number;
  rationale: string;
  /** e.g. 'anthropic:claude-...' or 'openai:local-model'. */
  provider: string;
}

export interface QuarantineReport {
  [key: string]: unknown;
  /** Count per reason, e.g. { 'non-positive price': 2, 'crossed quote': 1 }. */
  reasons: Record<string, number>;
}
