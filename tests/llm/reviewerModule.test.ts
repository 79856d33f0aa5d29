import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cloneable, ModuleContext, ModuleInstance } from '../../src/contracts/module.ts';
import type { Review, RiskDecision } from '../../src/contracts/tiers.ts';
import { HeliosError } from '../../src/errors/HeliosError.ts';
import type { EffectFn } from '../../src/kernel/Kernel.ts';
import { createLlmReviewEffect, type LlmConfig, type LlmReviewEffect } from '../../src/llm/index.ts';
import { create } from '../../modules/llm/reviewer/index.ts';
import { FakeLlmServer } from './fakeLlmServer.ts';

const MANIFEST = JSON.parse(readFileSync(new URL('../../modules/llm/reviewer/manifest.json', import.meta.url), 'utf8')) as { config: Record<string, unknown> };
const TIMEOUT_MS = 300;
const MARGIN_MS = 200;
const T0 = 1_767_623_400_000;

let server: FakeLlmServer;
const effects: LlmReviewEffect[] = [];
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.key = undefined;
  server.script = () => ({ text: '{"verdict":"APPROVE","rationale":"trend supports it"}' });
});
afterEach(() => {
  for (const e of effects.splice(0)) e.dispose();
});

function llm(over: Partial<LlmConfig> = {}): LlmReviewEffect {
  const e = createLlmReviewEffect({ provider: 'openai', baseUrl: server.url, model: 'local-model', apiKey: 'k', timeoutMs: TIMEOUT_MS, ...over });
  effects.push(e);
  return e;
}

/** The reviewer with a context that routes `llm.review` to a kernel-side effect, as the kernel does. */
function reviewer(effect: EffectFn, opts: { live?: boolean; config?: Record<string, unknown> } = {}): ModuleInstance<'llm'> {
  const live = opts.live ?? true;
  const ctx: ModuleContext = {
    tier: 'llm',
    name: 'reviewer',
    version: '1.0.0',
    config: { ...MANIFEST.config, timeoutMs: TIMEOUT_MS, ...opts.config },
    shadow: !live,
    clock: { now: () => T0 },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    effects: {
      call: (name, payload) => (name === 'llm.review' ? effect(structuredClone(payload), live, 'reviewer@1.0.0') : Promise.reject(new HeliosError('HELIOS_E_MODULE_THREW', `no effect ${name}`))),
    },
  };
  return create(ctx) as ModuleInstance<'llm'>;
}

function decision(over: Partial<RiskDecision> = {}): RiskDecision {
  return { seq: 1, symbol: 'AAPL', ts: T0, price: 190.5, source: 'ml:logistic', side: 'buy', quantity: 40, approved: true, reason: 'within limits', confidence: 0.71, volatility: 0.008, ...over };
}

async function handle(m: ModuleInstance<'llm'>, items: RiskDecision[]): Promise<{ out: Review[]; ms: number }> {
  const t0 = performance.now();
  const out = await m.handle(items);
  return { out, ms: performance.now() - t0 };
}

describe('reviewer module with a provider', () => {
  it("carries the provider's verdict, names it as the reviewer and carries source, confidence and volatility", async () => {
    server.script = () => ({ text: '{"verdict":"MODIFY","quantity":10,"rationale":"earnings tomorrow"}' });
    const { out } = await handle(reviewer(llm()), [decision()]);
    expect(out).toEqual([
      { seq: 1, symbol: 'AAPL', ts: T0, price: 190.5, side: 'buy', quantity: 10, verdict: 'MODIFY', reviewer: 'openai:local-model', rationale: 'earnings tomorrow', source: 'ml:logistic', confidence: 0.71, volatility: 0.008 },
    ]);
  });

  it('rejects denied decisions as "risk" and approves flat ones by rule, without asking the provider', async () => {
    const { out } = await handle(reviewer(llm()), [decision({ approved: false, quantity: 0, reason: 'drawdown limit' }), decision({ seq: 2, ts: T0 + 60_000, quantity: 0 })]);
    expect(out.map((r) => [r.verdict, r.quantity, r.reviewer, r.rationale])).toEqual([
      ['REJECT', 0, 'risk', 'drawdown limit'],
      ['APPROVE', 0, 'rule-based', 'flat target: nothing to review'],
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('sends a market-context summary built from the prices it has seen', async () => {
    const m = reviewer(llm());
    const prices = [100, 101, 99.5, 102, 103];
    for (let i = 0; i < prices.length; i++) await m.handle([decision({ seq: i + 1, ts: T0 + i * 60_000, price: prices[i]!, confidence: 0.64, volatility: 0.012 })]);
    const user = (server.requests.at(-1)!.body as { messages: { content: string }[] }).messages[1]!.content;
    expect(user).toContain('AAPL: 5 recent closes seen');
    expect(user).toContain('last price: 103');
    expect(user).toContain('trend over the last 5 closes: up +3.00%');
    expect(user).toMatch(/realised volatility per period: \d+\.\d\d%/);
    expect(user).toContain('risk volatility forecast per period: 1.20%');
    expect(user).toContain('signal confidence: 0.64 (source ml:logistic)');
  });

  it('reviews the items of one batch concurrently and keeps their input order', async () => {
    server.script = (req) => {
      const user = (req.body as { messages: { content: string }[] }).messages[1]!.content;
      const symbol = /symbol: (\w+)/.exec(user)![1]!;
      return { text: JSON.stringify({ verdict: 'REJECT', rationale: `no to ${symbol}` }), delayMs: 150 };
    };
    const items = ['A', 'B', 'C', 'D'].map((s, i) => decision({ seq: i + 1, symbol: s }));
    const { out, ms } = await handle(reviewer(llm()), items);
    expect(out.map((r) => r.rationale)).toEqual(['no to A', 'no to B', 'no to C', 'no to D']);
    expect(server.requests).toHaveLength(4);
    expect(ms).toBeLessThan(2 * 150);
  });
});

describe('reviewer module falls back to the rules, saying why', () => {
  const cases: [string, () => void, RegExp][] = [
    ['HTTP 500', () => (server.script = () => ({ status: 500 })), /provider failed: HELIOS_E_LLM_PROVIDER: .*HTTP 500/],
    ['HTTP 429', () => (server.script = () => ({ status: 429 })), /provider failed: HELIOS_E_LLM_PROVIDER: .*HTTP 429/],
    ['a malformed body', () => (server.script = () => ({ raw: 'not json at all' })), /provider failed: HELIOS_E_OUTPUT_INVALID: .*not JSON/],
    ['an unknown verdict', () => (server.script = () => ({ text: '{"verdict":"BUY MORE","rationale":"x"}' })), /HELIOS_E_OUTPUT_INVALID: .*verdict/],
    ['a MODIFY larger than asked', () => (server.script = () => ({ text: '{"verdict":"MODIFY","quantity":400,"rationale":"x"}' })), /HELIOS_E_OUTPUT_INVALID: .*MODIFY quantity 400 exceeds the asked (40|3)\)/],
    ['a wrong key', () => (server.key = 'another'), /provider failed: HELIOS_E_UNAUTHORIZED/],
    ['a slow provider', () => (server.script = () => ({ text: '{"verdict":"REJECT","rationale":"late"}', delayMs: 5_000 })), /no provider answer within 300 ms|HELIOS_E_DEADLINE/],
  ];

  it.each(cases)('%s', async (_name, arrange, cause) => {
    arrange();
    const { out, ms } = await handle(reviewer(llm()), [decision(), decision({ seq: 2, symbol: 'BTC', price: 64_000, quantity: 3, volatility: 0.031 })]);
    expect(out.map((r) => [r.verdict, r.quantity, r.reviewer])).toEqual([
      ['APPROVE', 40, 'rule-based'],
      ['MODIFY', 1, 'rule-based'],
    ]);
    for (const r of out) {
      expect(r.rationale).toMatch(/^rule-based fallback \(/);
      expect(r.rationale).toMatch(cause);
    }
    expect(out[1]!.rationale).toMatch(/volatility 3\.10% above the 2\.00% ceiling/);
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it("falls back at its own timeout even when the effect never answers", async () => {
    const never: EffectFn = () => new Promise(() => {});
    const { out, ms } = await handle(reviewer(never), [decision()]);
    expect(out[0]).toMatchObject({ verdict: 'APPROVE', reviewer: 'rule-based', rationale: expect.stringContaining('no provider answer within 300 ms') });
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  });

  it('falls back at once, without a request, once the breaker is open', async () => {
    const e = llm({ breaker: { consecutiveFailures: 2 } });
    const m = reviewer(e);
    server.script = () => ({ status: 503 });
    await m.handle([decision({ seq: 1 })]);
    await m.handle([decision({ seq: 2, ts: T0 + 60_000 })]);
    expect(e.breaker!.state).toBe('open');
    const { out, ms } = await handle(m, [decision({ seq: 3, ts: T0 + 120_000 })]);
    expect(out[0]!.rationale).toMatch(/HELIOS_E_BREAKER_OPEN/);
    expect(out[0]!.reviewer).toBe('rule-based');
    expect(ms).toBeLessThan(20);
    expect(server.requests).toHaveLength(2);
  });

  it('never reaches the provider from a shadow copy, and reviews by the rules there', async () => {
    const { out } = await handle(reviewer(llm(), { live: false }), [decision({ confidence: 0.3 })]);
    expect(out[0]).toMatchObject({ verdict: 'REJECT', quantity: 0, reviewer: 'rule-based', rationale: 'rule-based fallback (no provider answer): confidence 0.30 below the 0.55 floor' });
    expect(server.requests).toHaveLength(0);
  });

  it('does not ask at all with useProvider false', async () => {
    const { out } = await handle(reviewer(llm(), { config: { useProvider: false } }), [decision()]);
    expect(out[0]).toMatchObject({ verdict: 'APPROVE', reviewer: 'rule-based', rationale: 'confidence 0.71 >= 0.55; volatility 0.80% <= 2.00%' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('reviewer module state and config', () => {
  it('carries its price history through snapshot and restore, and refuses another state version', async () => {
    const a = reviewer(llm());
    await a.handle([decision({ price: 100 }), decision({ seq: 2, ts: T0 + 60_000, price: 110 })]);
    const state = structuredClone(await a.snapshot()) as Cloneable;
    const b = reviewer(llm());
    await b.restore(state, 1);
    server.requests.length = 0;
    await b.handle([decision({ seq: 3, ts: T0 + 120_000, price: 121 })]);
    const user = (server.requests[0]!.body as { messages: { content: string }[] }).messages[1]!.content;
    expect(user).toContain('AAPL: 3 recent closes seen');
    expect(user).toContain('trend over the last 3 closes: up +21.00%');
    expect(() => reviewer(llm()).restore(state, 2)).toThrow(/state version 2/);
  });

  it('refuses a bad config at create()', () => {
    expect(() => reviewer(llm(), { config: { rules: { volatilityCut: 1.5 } } })).toThrow(/volatilityCut/);
    expect(() => reviewer(llm(), { config: { timeoutMs: -1 } })).toThrow(/timeoutMs/);
  });
});
