import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LlmReviewRequest } from '../../src/contracts/effects.ts';
import type { Cloneable } from '../../src/contracts/module.ts';
import type { ErrorCode } from '../../src/errors/catalogue.ts';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { createLlmReviewEffect, type LlmConfig, type LlmReviewEffect } from '../../src/llm/index.ts';
import { FakeLlmServer, type Reply } from './fakeLlmServer.ts';

/** Scheduling slack on a shared 2-core box; a call that ignored its timeout would overshoot by far more. */
const MARGIN_MS = 200;
/** The module version asking, as the kernel passes it. */
const CALLER = 'reviewer@1.0.0';

let server: FakeLlmServer;
const effects: LlmReviewEffect[] = [];
beforeAll(async () => {
  server = await FakeLlmServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.key = undefined;
  server.script = () => ({ text: '{"verdict":"APPROVE","rationale":"fine"}' });
});
afterEach(() => {
  for (const e of effects.splice(0)) e.dispose();
});

function effect(provider: 'anthropic' | 'openai', extra: Partial<LlmConfig> = {}, now?: () => number): LlmReviewEffect {
  const model = provider === 'anthropic' ? 'claude-test' : 'local-model';
  const e = createLlmReviewEffect({ provider, baseUrl: server.url, model, apiKey: 'right', timeoutMs: 1_000, ...extra }, now ? { now } : {});
  effects.push(e);
  return e;
}

function request(over: Partial<LlmReviewRequest> = {}): Cloneable {
  return { symbol: 'AAPL', side: 'buy', quantity: 40, price: 190.5, source: 'ml:logistic', confidence: 0.71, context: 'AAPL: trend up +1.20%', timeoutMs: 1_000, ...over };
}

async function failure(p: Promise<unknown>): Promise<{ code: ErrorCode; message: string; details: Record<string, unknown> | undefined; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
  } catch (e) {
    if (!isHeliosError(e)) throw e;
    return { code: e.code, message: e.message, details: e.details, ms: performance.now() - t0 };
  }
  throw new Error('the call succeeded');
}

describe('llm.review effect: request shapes', () => {
  it('calls the Anthropic Messages API with its headers and body, and joins the text blocks of the answer', async () => {
    server.script = () => ({ text: '{"verdict":"MODIFY","quantity":25,"rationale":"trim ahead of the close"}' });
    const answer = await effect('anthropic')(request(), true, CALLER);
    expect(answer).toEqual({ verdict: 'MODIFY', quantity: 25, rationale: 'trim ahead of the close', provider: 'anthropic:claude-test' });
    expect(server.requests).toHaveLength(1);
    const r = server.requests[0]!;
    expect(r.path).toBe('/v1/messages');
    expect(r.headers).toMatchObject({ 'x-api-key': 'right', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    expect(r.headers.authorization).toBeUndefined();
    const body = r.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'system']);
    expect(body).toMatchObject({ model: 'claude-test', max_tokens: expect.any(Number) });
    expect(body.system).toMatch(/"verdict": "APPROVE" \| "REJECT" \| "MODIFY"/);
    expect(body.messages).toEqual([{ role: 'user', content: expect.stringContaining('symbol: AAPL') }]);
    const user = (body.messages as { content: string }[])[0]!.content;
    for (const line of ['side: buy', 'quantity: 40', 'price: 190.5', 'source: ml:logistic', 'confidence: 0.71', 'AAPL: trend up +1.20%']) expect(user).toContain(line);
  });

  it('calls an OpenAI-compatible chat-completions endpoint with a bearer key, system + user messages and temperature 0', async () => {
    server.script = () => ({ text: '```json\n{"verdict":"APPROVE","rationale":"trend and volatility agree"}\n```' });
    const answer = await effect('openai')(request(), true, CALLER);
    expect(answer).toEqual({ verdict: 'APPROVE', quantity: 40, rationale: 'trend and volatility agree', provider: 'openai:local-model' });
    const r = server.requests[0]!;
    expect(r.path).toBe('/v1/chat/completions');
    expect(r.headers).toMatchObject({ authorization: 'Bearer right', 'content-type': 'application/json' });
    expect(r.headers['x-api-key']).toBeUndefined();
    const body = r.body as { model: string; temperature: number; messages: { role: string; content: string }[] };
    expect(Object.keys(body).sort()).toEqual(['messages', 'model', 'temperature']);
    expect(body.model).toBe('local-model');
    expect(body.temperature).toBe(0);
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[1]!.content).toContain('symbol: AAPL');
  });

  it('sends no Authorization header without a key and takes a full chat-completions URL as it is', async () => {
    const answer = await effect('openai', { apiKey: undefined, baseUrl: `${server.url}/v1/chat/completions` })(request(), true, CALLER);
    expect(answer).toMatchObject({ verdict: 'APPROVE' });
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe.each(['anthropic', 'openai'] as const)('llm.review effect via %s: failures are coded errors', (provider) => {
  const cases: [string, Reply | 'wrong-key', ErrorCode, RegExp][] = [
    ['HTTP 500', { status: 500 }, 'HELIOS_E_LLM_PROVIDER', /HTTP 500/],
    ['HTTP 429', { status: 429, json: { error: { message: 'rate limited' } } }, 'HELIOS_E_LLM_PROVIDER', /HTTP 429: rate limited/],
    ['a malformed JSON body', { raw: '{"choices": [' }, 'HELIOS_E_OUTPUT_INVALID', /not JSON/],
    ['prose instead of JSON', { text: 'I would approve this trade.' }, 'HELIOS_E_OUTPUT_INVALID', /not a JSON object/],
    ['an unknown verdict', { text: '{"verdict":"HOLD","rationale":"wait"}' }, 'HELIOS_E_OUTPUT_INVALID', /verdict/],
    ['a MODIFY larger than asked', { text: '{"verdict":"MODIFY","quantity":80,"rationale":"double it"}' }, 'HELIOS_E_OUTPUT_INVALID', /exceeds the asked 40/],
    ['a wrong API key (401)', 'wrong-key', 'HELIOS_E_UNAUTHORIZED', /HTTP 401/],
  ];

  it.each(cases)('%s', async (_name, reply, code, message) => {
    if (reply === 'wrong-key') server.key = 'the-real-key';
    else server.script = () => reply;
    const f = await failure(effect(provider)(request(), true, CALLER));
    expect(f.code).toBe(code);
    expect(f.message).toMatch(message);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up on a slow answer at its timeout (HELIOS_E_DEADLINE), never later', async () => {
    server.script = () => ({ text: '{"verdict":"APPROVE","rationale":"late"}', delayMs: 3_000 });
    const f = await failure(effect(provider, { timeoutMs: 250 })(request({ timeoutMs: 250 }), true, CALLER));
    expect(f.code).toBe('HELIOS_E_DEADLINE');
    expect(f.ms).toBeGreaterThanOrEqual(240);
    expect(f.ms).toBeLessThan(250 + MARGIN_MS);
  });

  it('gives up on a body that stalls after the headers at the same timeout', async () => {
    server.script = () => ({ text: '{"verdict":"APPROVE","rationale":"late"}', stallBodyMs: 3_000 });
    const f = await failure(effect(provider, { timeoutMs: 250 })(request({ timeoutMs: 250 }), true, CALLER));
    expect(f.code).toBe('HELIOS_E_DEADLINE');
    expect(f.ms).toBeLessThan(250 + MARGIN_MS);
  });

  it("uses the request's own timeout when it is shorter than the configured one", async () => {
    server.script = () => ({ text: '{"verdict":"APPROVE","rationale":"late"}', delayMs: 3_000 });
    const f = await failure(effect(provider, { timeoutMs: 2_000 })(request({ timeoutMs: 150 }), true, CALLER));
    expect(f.code).toBe('HELIOS_E_DEADLINE');
    expect(f.message).toMatch(/150 ms/);
    expect(f.ms).toBeLessThan(150 + MARGIN_MS);
  });
});

describe('llm.review effect: breaker, shadow calls and configuration', () => {
  it('opens the breaker after consecutive failures, then fails fast without reaching the server, and probes after the reset timeout', async () => {
    let clock = 0;
    const e = effect('openai', { breaker: { consecutiveFailures: 3, resetTimeoutMs: 10_000 } }, () => clock);
    server.script = () => ({ status: 500 });
    for (let i = 0; i < 3; i++) expect((await failure(e(request(), true, CALLER))).code).toBe('HELIOS_E_LLM_PROVIDER');
    expect(e.breaker!.state).toBe('open');
    expect(server.requests).toHaveLength(3);

    const fast = await failure(e(request(), true, CALLER));
    expect(fast.code).toBe('HELIOS_E_BREAKER_OPEN');
    expect(fast.ms).toBeLessThan(20);
    expect(server.requests).toHaveLength(3);

    clock += 10_000;
    server.script = () => ({ text: '{"verdict":"REJECT","rationale":"provider is back"}' });
    expect(await e(request(), true, CALLER)).toMatchObject({ verdict: 'REJECT', quantity: 0 });
    expect(e.breaker!.state).toBe('closed');
    expect(server.requests).toHaveLength(4);
  });

  it('counts timeouts towards opening the breaker', async () => {
    const e = effect('anthropic', { timeoutMs: 250, breaker: { consecutiveFailures: 2 } });
    server.script = () => ({ text: '{}', delayMs: 2_000 });
    expect((await failure(e(request({ timeoutMs: 250 }), true, CALLER))).code).toBe('HELIOS_E_DEADLINE');
    expect((await failure(e(request({ timeoutMs: 250 }), true, CALLER))).code).toBe('HELIOS_E_DEADLINE');
    expect(e.breaker!.state).toBe('open');
    const seen = server.requests.length;
    expect((await failure(e(request(), true, CALLER))).code).toBe('HELIOS_E_BREAKER_OPEN');
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(seen);
  });

  it('answers a call still queued behind the breaker at its deadline, and never sends it', async () => {
    const e = effect('openai', { timeoutMs: 250, breaker: { maxInFlight: 1, maxQueue: 4, consecutiveFailures: 0 } });
    server.script = () => ({ text: '{}', delayMs: 2_000 });
    const all = await Promise.all([1, 2, 3].map(() => failure(e(request({ timeoutMs: 250 }), true, CALLER))));
    expect(all.map((f) => f.code)).toEqual(['HELIOS_E_DEADLINE', 'HELIOS_E_DEADLINE', 'HELIOS_E_DEADLINE']);
    for (const f of all) expect(f.ms).toBeLessThan(250 + MARGIN_MS);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(1);
  });

  it('answers a shadow call with null and never reaches the server, whatever the payload', async () => {
    const e = effect('anthropic');
    expect(await e(request(), false, CALLER)).toBeNull();
    expect(await e({ nonsense: true }, false, CALLER)).toBeNull();
    expect(server.requests).toHaveLength(0);
    expect(e.breaker!.stats().successes + e.breaker!.stats().failures).toBe(0);
  });

  it("answers null for provider 'rule-based' and has no breaker", async () => {
    const e = createLlmReviewEffect({ provider: 'rule-based', baseUrl: server.url, model: '', timeoutMs: 1_000 });
    expect(await e(request(), true, CALLER)).toBeNull();
    expect(e.breaker).toBeNull();
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a malformed request with HELIOS_E_INPUT_INVALID before any network call', async () => {
    const e = effect('openai');
    const f = await failure(e(request({ quantity: -1 }), true, CALLER));
    expect(f.code).toBe('HELIOS_E_INPUT_INVALID');
    expect(f.message).toMatch(/quantity/);
    expect(server.requests).toHaveLength(0);
    expect(e.breaker!.state).toBe('closed');
  });

  it('reports an unreachable server as HELIOS_E_LLM_PROVIDER', async () => {
    const e = effect('openai', { baseUrl: 'http://127.0.0.1:9' });
    const f = await failure(e(request(), true, CALLER));
    expect(f.code).toBe('HELIOS_E_LLM_PROVIDER');
    expect(f.message).toMatch(/unreachable/);
  });
});
