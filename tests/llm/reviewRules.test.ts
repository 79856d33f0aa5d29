import { describe, expect, it } from 'vitest';
import { checkAnswer } from '../../modules/lib/review/checkAnswer.ts';
import { DEFAULT_RULES, readRules, ruleBasedReview } from '../../modules/lib/review/ruleBased.ts';

describe('ruleBasedReview', () => {
  it('rejects below the confidence floor before looking at volatility', () => {
    expect(ruleBasedReview({ quantity: 10, confidence: 0.5, volatility: 0.5 }, DEFAULT_RULES)).toEqual({ verdict: 'REJECT', quantity: 0, rationale: 'confidence 0.50 below the 0.55 floor' });
  });

  it('cuts whole quantities down to whole units, fractional ones to 8 decimals, and rejects what a cut leaves empty', () => {
    const rules = { ...DEFAULT_RULES, volatilityCut: 0.3 };
    expect(ruleBasedReview({ quantity: 7, volatility: 0.03 }, rules)).toMatchObject({ verdict: 'MODIFY', quantity: 2 });
    expect(ruleBasedReview({ quantity: 0.05, volatility: 0.03 }, rules)).toMatchObject({ verdict: 'MODIFY', quantity: 0.015 });
    expect(ruleBasedReview({ quantity: 3, volatility: 0.03 }, rules)).toMatchObject({ verdict: 'REJECT', quantity: 0, rationale: expect.stringMatching(/nothing left/) });
  });

  it('approves at the boundaries and when risk gave neither number', () => {
    expect(ruleBasedReview({ quantity: 5, confidence: 0.55, volatility: 0.02 }, DEFAULT_RULES)).toMatchObject({ verdict: 'APPROVE', quantity: 5 });
    expect(ruleBasedReview({ quantity: 5 }, DEFAULT_RULES)).toEqual({ verdict: 'APPROVE', quantity: 5, rationale: 'confidence not given; volatility not given' });
  });

  it('reads rules from config with defaults and refuses out-of-range ones', () => {
    expect(readRules(undefined)).toEqual(DEFAULT_RULES);
    expect(readRules({ minConfidence: 0.6 })).toEqual({ ...DEFAULT_RULES, minConfidence: 0.6 });
    expect(() => readRules({ minConfidence: 2 })).toThrow(/minConfidence/);
    expect(() => readRules([])).toThrow(/object/);
  });
});

describe('checkAnswer (the module re-checks what crossed the boundary)', () => {
  const answer = (over: Record<string, unknown>) => ({ verdict: 'MODIFY', quantity: 4, rationale: 'r', provider: 'openai:m', ...over });

  it('keeps the asked quantity for APPROVE and 0 for REJECT, whatever the answer says', () => {
    expect(checkAnswer(answer({ verdict: 'APPROVE', quantity: 999 }), 10)).toMatchObject({ ok: true, quantity: 10 });
    expect(checkAnswer(answer({ verdict: 'REJECT', quantity: 999 }), 10)).toMatchObject({ ok: true, quantity: 0 });
  });

  it('lets MODIFY only shrink, by whole units when the asked quantity is whole', () => {
    expect(checkAnswer(answer({}), 10)).toMatchObject({ ok: true, verdict: 'MODIFY', quantity: 4 });
    expect(checkAnswer(answer({ quantity: 0 }), 10)).toMatchObject({ ok: true, quantity: 0 });
    expect(checkAnswer(answer({ quantity: 11 }), 10)).toEqual({ ok: false, why: 'MODIFY quantity 11 exceeds the asked 10' });
    expect(checkAnswer(answer({ quantity: 2.5 }), 10)).toMatchObject({ ok: false, why: expect.stringMatching(/whole/) });
    expect(checkAnswer(answer({ quantity: 0.25 }), 0.5)).toMatchObject({ ok: true, quantity: 0.25 });
    expect(checkAnswer(answer({ quantity: -1 }), 10)).toMatchObject({ ok: false });
    expect(checkAnswer(answer({ quantity: '3' }), 10)).toMatchObject({ ok: false });
  });

  it('refuses anything but a well-formed answer', () => {
    expect(checkAnswer(null, 10)).toMatchObject({ ok: false });
    expect(checkAnswer([answer({})], 10)).toMatchObject({ ok: false });
    expect(checkAnswer(answer({ verdict: 'HOLD' }), 10)).toMatchObject({ ok: false, why: 'unknown verdict "HOLD"' });
    expect(checkAnswer(answer({ provider: '' }), 10)).toMatchObject({ ok: false });
    expect(checkAnswer(answer({ rationale: 3 }), 10)).toMatchObject({ ok: false });
  });

  it('caps a long rationale at 500 characters', () => {
    const r = checkAnswer(answer({ verdict: 'APPROVE', rationale: 'x'.repeat(900) }), 10);
    expect(r.ok && r.rationale.length).toBe(500);
  });
});
