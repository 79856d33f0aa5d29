import { z } from 'zod';
import { HeliosError } from '../errors/HeliosError.ts';

/** Longest rationale accepted from a model; longer means it ignored the format, so the answer is refused. */
export const MAX_RATIONALE = 500;

/**
 * What the model must answer, before the asked quantity is known. Extra keys are
 * dropped rather than refused: a model that adds a "confidence" field still
 * answered the question.
 */
const AnswerShape = z.object({
  verdict: z.enum(['APPROVE', 'REJECT', 'MODIFY']),
  quantity: z.number().finite().optional(),
  rationale: z.string().max(MAX_RATIONALE),
});

export type ReviewVerdict = z.infer<typeof AnswerShape>['verdict'];

/** A model's answer once checked against the trade it was asked about. */
export interface ParsedReview {
  verdict: ReviewVerdict;
  /** APPROVE: the asked quantity; REJECT: 0; MODIFY: the model's smaller quantity. */
  quantity: number;
  rationale: string;
}

/**
 * The schema bound to one trade: MODIFY needs a quantity above 0 and at most
 * the asked one, because the reviewer may only shrink a trade, never enlarge it.
 */
export function reviewAnswerSchema(askedQuantity: number) {
  return AnswerShape.superRefine((a, ctx) => {
    if (a.verdict !== 'MODIFY') return;
    if (a.quantity === undefined) ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'MODIFY needs a quantity' });
    else if (!(a.quantity > 0)) ctx.addIssue({ code: 'custom', path: ['quantity'], message: `MODIFY quantity ${a.quantity} must be above 0` });
    else if (a.quantity > askedQuantity) ctx.addIssue({ code: 'custom', path: ['quantity'], message: `MODIFY quantity ${a.quantity} exceeds the asked ${askedQuantity}` });
  });
}

const FENCED = /^```json[ \t]*\r?\n([\s\S]*?)\r?\n?```$/i;

/**
 * Parses a model's text: a bare JSON object, or one inside a ```json fence.
 * Prose around the JSON is refused rather than searched, since a model that
 * cannot keep to the format is not trusted to have meant the object in it.
 * @throws HeliosError `HELIOS_E_OUTPUT_INVALID` naming what was wrong.
 */
export function parseReviewText(text: string, askedQuantity: number, provider: string): ParsedReview {
  const trimmed = text.trim();
  const fenced = FENCED.exec(trimmed);
  const body = fenced === null ? trimmed : fenced[1]!.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) {
    throw invalid(provider, 'the answer is not a JSON object (bare or in a ```json fence)', text);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw invalid(provider, `the answer is not valid JSON: ${(e as Error).message}`, text);
  }
  const r = reviewAnswerSchema(askedQuantity).safeParse(json);
  if (!r.success) throw invalid(provider, r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '), text);
  const a = r.data;
  const quantity = a.verdict === 'APPROVE' ? askedQuantity : a.verdict === 'REJECT' ? 0 : a.quantity!;
  return { verdict: a.verdict, quantity, rationale: a.rationale };
}

function invalid(provider: string, why: string, text: string): HeliosError {
  return new HeliosError('HELIOS_E_OUTPUT_INVALID', `${provider}: invalid review answer: ${why}`, { provider, text: text.slice(0, 200) });
}
