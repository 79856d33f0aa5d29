import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Review } from '../../src/contracts/tiers.ts';
import { createLlmReviewEffect, type LlmReviewEffect } from '../../src/llm/index.ts';
import { marketEvents } from '../helpers/moduleFixtures.ts';
import { exactlyOnce, startKernel } from '../kernel/kernelHarness.ts';
import { FakeLlmServer } from './fakeLlmServer.ts';

const REVIEWER_DIR = new URL('../../modules/llm/reviewer/', import.meta.url).pathname;
/** The reviewer manifest's deadlineMs: a batch slower than this would be cut off and failed safe by the kernel. */
const DEADLINE_MS = 3_000;

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
let server: FakeLlmServer | undefined;
let effect: LlmReviewEffect | undefined;
afterEach(async () => {
  await h?.close();
  effect?.dispose();
  await server?.close();
  h = server = effect = undefined;
});

describe('reviewer in a real kernel, in its worker', () => {
  it('gives every approved trade a Review within the deadline while the provider hangs, then fails fast once the breaker opens', async () => {
    server = await FakeLlmServer.start();
    server.script = () => ({ text: '{"verdict":"REJECT","rationale":"too late to matter"}', delayMs: 10_000 });
    effect = createLlmReviewEffect({ provider: 'anthropic', baseUrl: server.url, model: 'claude-test', apiKey: 'k', timeoutMs: 1_500 });
    h = await startKernel({ effects: { 'llm.review': effect } });
    await h.loadAll(['llm']);
    const v = await h.kernel.registry.register(REVIEWER_DIR);
    expect((await h.kernel.swaps.test(v.key, 'test')).passed).toBe(true);
    await h.kernel.swaps.load(v.key, 'test');

    // Round 1: the provider hangs; each review waits out its 1.5 s timeout and the rules decide.
    let t0 = performance.now();
    await h.kernel.ingest(marketEvents(40, 4));
    await h.kernel.drain();
    const slowRound = performance.now() - t0;
    const reviews = h.outputs.get('llm') as Review[];
    expect(exactlyOnce(reviews, 1, 40)).toEqual({ missing: [], duplicated: [] });
    for (const r of reviews) {
      expect(r).toMatchObject({ verdict: 'APPROVE', quantity: 1, reviewer: 'rule-based' });
      expect(r.rationale).toMatch(/^rule-based fallback \((no provider answer within 1500 ms|provider failed: HELIOS_E_)/);
    }
    expect(server.requests.length).toBeGreaterThan(0);
    const status = h.kernel.status().llm as { ledger: { failsafe: number }; batchLatencyMs: { p99: number }; breaker: string };
    expect(status.ledger.failsafe).toBe(0);
    expect(status.breaker).toBe('closed');
    expect(status.batchLatencyMs.p99).toBeLessThan(DEADLINE_MS);
    expect(slowRound).toBeLessThan(DEADLINE_MS);
    expect(effect.breaker!.state).toBe('open');
    // Nothing keeps talking to the provider: running calls were aborted at their deadline, queued ones never sent.
    await vi.waitFor(() => expect(effect!.breaker!.stats().inFlight).toBe(0), { timeout: 300, interval: 10 });

    // Round 2: the provider's breaker is open, so reviews fall back at once without a request.
    const asked = server.requests.length;
    t0 = performance.now();
    await h.kernel.ingest(marketEvents(40, 4, 1_700_000_100_000));
    await h.kernel.drain();
    const fastRound = performance.now() - t0;
    const second = reviews.slice(40);
    expect(exactlyOnce(second, 41, 80)).toEqual({ missing: [], duplicated: [] });
    for (const r of second) expect(r.rationale).toMatch(/HELIOS_E_BREAKER_OPEN/);
    expect(server.requests.length).toBe(asked);
    expect(fastRound).toBeLessThan(500);
  });
});
