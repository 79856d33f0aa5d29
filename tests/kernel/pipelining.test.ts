import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/contracts/tiers.ts';
import { marketEvents } from '../helpers/moduleFixtures.ts';
import { startKernel } from './kernelHarness.ts';

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('pipelining', () => {
  it('a slow LLM review of one instrument does not stall the others', async () => {
    h = await startKernel();
    await h.loadAll(['llm']);
    // Reviews of SLOW take 1.5 s; every other symbol is answered at once.
    await h.add({
      name: 'slow-reviewer',
      tier: 'llm',
      version: '1.0.0',
      deadlineMs: 5000,
      code: `export function create() { return { async handle(items) {
        if (items.some((d) => d.symbol === 'SLOW')) await new Promise((r) => setTimeout(r, 1500));
        return items.map((d) => ({ seq: d.seq, symbol: d.symbol, ts: d.ts, price: d.price, side: d.side, quantity: d.quantity, verdict: 'APPROVE', reviewer: 'slow', rationale: 'ok' }));
      }, snapshot() { return null; }, restore() {}, dispose() {} }; }`,
    });
    const arrivals: { symbol: string; at: number }[] = [];
    h.kernel.tap('execution', (items: readonly Envelope[]) => {
      for (const o of items) arrivals.push({ symbol: o.symbol, at: performance.now() });
    });
    const t0 = performance.now();
    await h.kernel.ingest([{ symbol: 'SLOW', ts: 1, kind: 'trade', price: 10, size: 1 }]);
    // Give the SLOW review a head start so it is in flight in its lane.
    await new Promise((r) => setTimeout(r, 50));
    await h.kernel.ingest(marketEvents(200, 5).map((e) => ({ ...e, symbol: `FAST${e.symbol}` })));
    // Wait until the fast symbols are through (bounded), without waiting for SLOW.
    for (let i = 0; i < 100 && arrivals.filter((a) => a.symbol !== 'SLOW').length < 200; i++) await new Promise((r) => setTimeout(r, 10));
    const fast = arrivals.filter((a) => a.symbol !== 'SLOW');
    expect(fast).toHaveLength(200);
    expect(arrivals.some((a) => a.symbol === 'SLOW')).toBe(false);
    await h.kernel.drain();
    expect(arrivals.filter((a) => a.symbol === 'SLOW')).toHaveLength(1);
    // Ordering evidence rather than timing: every fast order left before the slow one.
    const slowAt = arrivals.find((a) => a.symbol === 'SLOW')!.at;
    expect(fast.every((a) => a.at < slowAt)).toBe(true);
    expect(slowAt - t0).toBeGreaterThan(1000);
  });
});
