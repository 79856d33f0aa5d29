import { describe, expect, it } from 'vitest';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { parseReviewText } from '../../src/llm/ReviewAnswer.ts';

const parse = (text: string, asked = 10) => parseReviewText(text, asked, 'openai:test');

function refused(text: string, asked = 10): string {
  try {
    parse(text, asked);
  } catch (e) {
    expect(isHeliosError(e, 'HELIOS_E_OUTPUT_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${text}`);
}

describe('parseReviewText', () => {
  it('reads a bare JSON object and fills the quantity the verdict implies', () => {
    expect(parse('{"verdict":"APPROVE","rationale":"ok"}')).toEqual({ verdict: 'APPROVE', quantity: 10, rationale: 'ok' });
    expect(parse('  {"verdict":"REJECT","quantity":10,"rationale":"no"}\n')).toEqual({ verdict: 'REJECT', quantity: 0, rationale: 'no' });
    expect(parse('{"verdict":"MODIFY","quantity":4,"rationale":"smaller"}')).toEqual({ verdict: 'MODIFY', quantity: 4, rationale: 'smaller' });
  });

  it('reads an object inside a ```json fence', () => {
    expect(parse('```json\n{"verdict":"MODIFY","quantity":10,"rationale":"same size"}\n```')).toEqual({ verdict: 'MODIFY', quantity: 10, rationale: 'same size' });
  });

  it('refuses prose, other fences, arrays and broken JSON', () => {
    expect(refused('Sure! {"verdict":"APPROVE","rationale":"ok"}')).toMatch(/not a JSON object/);
    expect(refused('```\n{"verdict":"APPROVE","rationale":"ok"}\n```')).toMatch(/not a JSON object/);
    expect(refused('```json\n{"verdict":"APPROVE","rationale":"ok"}\n``` hope this helps')).toMatch(/not a JSON object/);
    expect(refused('[{"verdict":"APPROVE"}]')).toMatch(/not a JSON object/);
    expect(refused('{"verdict":"APPROVE",}')).toMatch(/not valid JSON/);
    expect(refused('')).toMatch(/not a JSON object/);
  });

  it('refuses answers that break the schema', () => {
    expect(refused('{"verdict":"HOLD","rationale":"x"}')).toMatch(/verdict/);
    expect(refused('{"verdict":"APPROVE"}')).toMatch(/rationale/);
    expect(refused(JSON.stringify({ verdict: 'APPROVE', rationale: 'x'.repeat(501) }))).toMatch(/rationale/);
    expect(refused('{"verdict":"MODIFY","rationale":"x"}')).toMatch(/needs a quantity/);
    expect(refused('{"verdict":"MODIFY","quantity":0,"rationale":"x"}')).toMatch(/above 0/);
    expect(refused('{"verdict":"MODIFY","quantity":11,"rationale":"x"}')).toMatch(/exceeds the asked 10/);
  });
});
