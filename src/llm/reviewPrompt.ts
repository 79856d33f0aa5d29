import type { LlmReviewRequest } from '../contracts/effects.ts';
import { MAX_RATIONALE } from './ReviewAnswer.ts';

/**
 * The reviewer's role and the one answer format accepted. It states the MODIFY
 * rule because an answer that enlarges a trade is refused and costs a fallback.
 */
export const REVIEW_SYSTEM_PROMPT = [
  'You are the strategic trade reviewer of an automated trading system.',
  'A quantitative risk tier has already sized and approved the proposed trade below; you judge whether it makes sense',
  'in its market context (trend, volatility, signal confidence) and may approve it, reject it, or shrink it.',
  'Answer with exactly one JSON object and nothing else (no prose, no markdown other than an optional ```json fence):',
  '{"verdict": "APPROVE" | "REJECT" | "MODIFY", "quantity": <number>, "rationale": "<why, at most ' + MAX_RATIONALE + ' characters>"}',
  'Rules: "quantity" is required for MODIFY and must be greater than 0 and not greater than the proposed quantity',
  '(you may only shrink a trade, never enlarge it); for APPROVE and REJECT it may be omitted.',
].join('\n');

/** The proposal and the module's market summary, one fact per line. */
export function reviewUserMessage(req: LlmReviewRequest): string {
  return [
    'Proposed trade:',
    `symbol: ${req.symbol}`,
    `side: ${req.side}`,
    `quantity: ${req.quantity}`,
    `price: ${req.price}`,
    `source: ${req.source}`,
    `confidence: ${req.confidence}`,
    '',
    'Market context:',
    req.context,
  ].join('\n');
}
