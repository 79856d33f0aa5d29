import type { LlmReviewAnswer } from '../../../src/contracts/effects.ts';

/** Longest rationale kept from a model's answer. */
const MAX_RATIONALE = 500;

export type CheckedAnswer =
  | { ok: true; verdict: LlmReviewAnswer['verdict']; quantity: number; rationale: string; provider: string }
  | { ok: false; why: string };

/**
 * Checks an `llm.review` answer again inside the module: the kernel validated
 * it, but a module must not trust anything that crossed a boundary, and this
 * is where "MODIFY only shrinks" is enforced for the Review that leaves.
 * APPROVE keeps the asked quantity and REJECT is 0, whatever the answer's
 * quantity says; MODIFY needs 0 <= quantity <= asked, a whole number when
 * the asked quantity is whole.
 */
export function checkAnswer(answer: unknown, asked: number): CheckedAnswer {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return { ok: false, why: 'not an object' };
  const a = answer as Record<string, unknown>;
  const { verdict, quantity, rationale, provider } = a;
  if (verdict !== 'APPROVE' && verdict !== 'REJECT' && verdict !== 'MODIFY') return { ok: false, why: `unknown verdict ${JSON.stringify(verdict)}` };
  if (typeof provider !== 'string' || provider.length === 0 || provider.length > 100) return { ok: false, why: 'no provider name' };
  if (typeof rationale !== 'string') return { ok: false, why: 'no rationale' };
  const text = rationale.slice(0, MAX_RATIONALE);
  if (verdict === 'APPROVE') return { ok: true, verdict, quantity: asked, rationale: text, provider };
  if (verdict === 'REJECT') return { ok: true, verdict, quantity: 0, rationale: text, provider };
  if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) return { ok: false, why: `MODIFY quantity ${String(quantity)} is not a number >= 0` };
  if (quantity > asked) return { ok: false, why: `MODIFY quantity ${quantity} exceeds the asked ${asked}` };
  if (Number.isInteger(asked) && !Number.isInteger(quantity)) return { ok: false, why: `MODIFY quantity ${quantity} is not a whole number` };
  return { ok: true, verdict, quantity, rationale: text, provider };
}
