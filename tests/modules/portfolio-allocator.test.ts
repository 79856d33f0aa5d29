import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TargetPosition, type Review } from '../../src/contracts/tiers.ts';
import { allocator, ALLOCATOR_DIR, readCase, review } from '../portfolio/allocatorFixtures.ts';

const METHODS = ['merge', 'mean-variance', 'black-litterman'] as const;
const realistic = readCase(`${ALLOCATOR_DIR}harness/realistic.json`);

describe('allocator: merge', () => {
  it('weights sources by pattern (ml:* x2) and rounds towards zero', async () => {
    const a = allocator();
    const out = await a.feed([
      review({ seq: 1, symbol: 'A', ts: 1000, source: 'ml:mlp', quantity: 100 }),
      review({ seq: 1, symbol: 'A', ts: 1000, source: 'sma-cross', side: 'sell', quantity: 10 }),
    ]);
    expect(out.map((o) => o.targetQuantity)).toEqual([Math.trunc((200 - 10) / 3)]);
    expect(a.effectCalls).toEqual([]);
  });

  it('a view older than maxViewAgeMs expires, and the flat target is emitted under the batch\'s latest seq', async () => {
    const a = allocator({ maxViewAgeMs: 10_000 });
    await a.feed([review({ seq: 1, symbol: 'A', ts: 1000, source: 'sma-cross' }), review({ seq: 2, symbol: 'B', ts: 1000, source: 'sma-cross', quantity: 50 })]);
    expect(await a.feed([review({ seq: 3, symbol: 'B', ts: 11_000, source: 'sma-cross', quantity: 50 })])).toEqual([]);
    const out = await a.feed([review({ seq: 4, symbol: 'B', ts: 11_001, source: 'sma-cross', quantity: 50 })]);
    expect(out).toEqual([{ seq: 4, symbol: 'A', ts: 11_001, price: 100, targetQuantity: 0, reason: 'merge: no live views' }]);
  });

  it('a review older than the standing view of its source is ignored', async () => {
    const a = allocator();
    await a.feed([review({ seq: 1, symbol: 'A', ts: 2000, source: 'sma-cross', quantity: 100 })]);
    expect(await a.feed([review({ seq: 2, symbol: 'A', ts: 1000, source: 'sma-cross', quantity: 500 })])).toEqual([]);
  });

  it('REJECT flattens the source\'s view; with the view gone instead the target would have risen', async () => {
    const a = allocator();
    await a.feed([review({ seq: 1, symbol: 'A', ts: 1000, source: 'ml:logistic', quantity: 100 }), review({ seq: 1, symbol: 'A', ts: 1000, source: 'sma-cross', quantity: 400 })]);
    const out = await a.feed([review({ seq: 2, symbol: 'A', ts: 2000, source: 'ml:logistic', quantity: 900, verdict: 'REJECT' })]);
    // before: (200 + 400) / 3 = 200; flat: 400 / 3 = 133; dropped would be 400.
    expect(out.map((o) => o.targetQuantity)).toEqual([133]);
  });

  it('a change inside the band is held, unless the held position breaks the notional limit after a price move', async () => {
    const a = allocator({ limits: { maxNotionalPerSymbol: 10_000, maxGrossNotional: 1e9 } });
    expect((await a.feed([review({ seq: 1, symbol: 'A', ts: 1000, price: 100, source: 'sma-cross', quantity: 95 })]))[0]!.targetQuantity).toBe(95);
    // Same view at 104: the cap is 96 units, which is within the band of 95: nothing to do.
    expect(await a.feed([review({ seq: 2, symbol: 'A', ts: 2000, price: 104, source: 'sma-cross', quantity: 95 })])).toEqual([]);
    // At 110 the held 95 units are 10450 > 10000: the cut to 90 is inside the band but must be emitted.
    const out = await a.feed([review({ seq: 3, symbol: 'A', ts: 3000, price: 110, source: 'sma-cross', quantity: 95 })]);
    expect(out.map((o) => [o.targetQuantity, o.reason])).toEqual([[90, 'merge of sma-cross 95; clipped to the per-symbol notional limit']]);
  });

  it('never gives a symbol an older seq than its last output when instruments arrive out of seq order', async () => {
    // The llm tier reviews instruments in parallel lanes, so B's seq 25 may arrive after A's seq 30.
    const a = allocator({ limits: { maxNotionalPerSymbol: 1e9, maxGrossNotional: 15_000 } });
    expect((await a.feed([review({ seq: 30, symbol: 'A', ts: 1000, source: 'sma-cross', quantity: 100 })])).map((o) => [o.symbol, o.seq, o.targetQuantity])).toEqual([['A', 30, 100]]);
    // B's view pushes the book over the gross limit, which would scale A too; A's change waits for a later seq.
    const second = await a.feed([review({ seq: 25, symbol: 'B', ts: 1000, source: 'sma-cross', side: 'sell', quantity: 100 })]);
    expect(second.map((o) => [o.symbol, o.seq, o.targetQuantity])).toEqual([['B', 25, -75]]);
    const third = await a.feed([review({ seq: 40, symbol: 'C', ts: 2000, source: 'sma-cross', quantity: 0 })]);
    expect(third.map((o) => [o.symbol, o.seq])).toContainEqual(['A', 40]);
    expect(third.find((o) => o.symbol === 'A')!.targetQuantity).toBeLessThan(100);
  });

  it('scales the book to the gross limit', async () => {
    const a = allocator({ limits: { maxNotionalPerSymbol: 1e9, maxGrossNotional: 15_000 } });
    const out = await a.feed([review({ seq: 1, symbol: 'A', ts: 1000, source: 'sma-cross', quantity: 100 }), review({ seq: 2, symbol: 'B', ts: 1000, source: 'sma-cross', side: 'sell', quantity: 100 })]);
    expect(out.map((o) => o.targetQuantity)).toEqual([75, -75]);
  });
});

/** Random batches over 3 symbols and 4 sources at fixed prices and volatilities, within the view age. */
const batches = fc.array(
  fc.array(
    fc.record({
      symbol: fc.constantFrom('A', 'B', 'C'),
      source: fc.constantFrom('ml:logistic', 'ml:mlp', 'sma-cross', 'momentum-breakout'),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      quantity: fc.integer({ min: 0, max: 400 }),
      verdict: fc.constantFrom('APPROVE' as const, 'MODIFY' as const, 'REJECT' as const),
      confidence: fc.integer({ min: 30, max: 99 }).map((c) => c / 100),
      rejectOnly: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  { minLength: 1, maxLength: 12 },
);
const PRICE: Record<string, number> = { A: 100, B: 40, C: 7 };
const VOL: Record<string, number> = { A: 0.01, B: 0.02, C: 0.015 };

describe('allocator: a batch of rejections never raises exposure', () => {
  it.each(METHODS)('%s', async (method) => {
    let cuts = 0;
    await fc.assert(
      fc.asyncProperty(batches, async (bs) => {
        const a = allocator({ method, minHistory: 100, limits: { maxNotionalPerSymbol: 30_000, maxGrossNotional: 60_000 } });
        const held = new Map<string, number>();
        let seq = 0;
        for (let b = 0; b < bs.length; b++) {
          // Half the batches carry rejections only: those are the ones under test.
          const onlyRejects = bs[b]![0]!.rejectOnly;
          const items: Review[] = bs[b]!.map((x) => {
            seq++;
            return review({ ...x, seq, ts: 1000 * (b + 1), price: PRICE[x.symbol]!, volatility: VOL[x.symbol]!, verdict: onlyRejects ? 'REJECT' : x.verdict });
          });
          const grossBefore = [...held].reduce((s, [k, q]) => s + Math.abs(q) * PRICE[k]!, 0);
          const out = await a.feed(items);
          for (const o of out) {
            const last = held.get(o.symbol) ?? 0;
            if (onlyRejects) {
              cuts++;
              expect(Math.abs(o.targetQuantity)).toBeLessThanOrEqual(Math.abs(last));
              expect(o.targetQuantity * last).toBeGreaterThanOrEqual(0);
            }
            held.set(o.symbol, o.targetQuantity);
          }
          const grossAfter = [...held].reduce((s, [k, q]) => s + Math.abs(q) * PRICE[k]!, 0);
          if (onlyRejects) expect(grossAfter).toBeLessThanOrEqual(grossBefore);
          expect(grossAfter).toBeLessThanOrEqual(60_000);
        }
      }),
      { seed: 99, numRuns: 60 },
    );
    // The property is not vacuous: rejections did cut targets in these runs.
    expect(cuts).toBeGreaterThan(5);
  });
});

describe('allocator: optimisers', () => {
  const account = { asOf: 0, mode: 'ACTIVE', cash: 250_000, equity: 250_000, dayStartEquity: 250_000, peakEquity: 250_000, dailyPnl: 0, drawdown: 0, grossExposure: 0, fees: 0, positions: {}, pending: {} };
  const one = [review({ seq: 1, symbol: 'A', ts: 1000, source: 'ml:logistic', confidence: 0.8 })];

  it('size on account.snapshot equity, and on config.capital when it answers null or fails', async () => {
    for (const method of ['mean-variance', 'black-litterman']) {
      const withEquity = allocator({ method }, () => account);
      expect((await withEquity.feed(one))[0]!.targetQuantity).toBe((0.2 * 250_000) / 100);
      expect(withEquity.effectCalls).toEqual(['account.snapshot']);
      expect((await allocator({ method }).feed(one))[0]!.targetQuantity).toBe((0.2 * 100_000) / 100);
      const failing = allocator({ method }, () => Promise.reject(new Error('kernel busy')));
      expect((await failing.feed(one))[0]!.targetQuantity).toBe((0.2 * 100_000) / 100);
    }
  });

  it('mean-variance is long-only: a short view gives no position', async () => {
    const out = await allocator({ method: 'mean-variance' }).feed([review({ seq: 1, symbol: 'A', ts: 1000, source: 'ml:logistic', side: 'sell', confidence: 0.9 })]);
    expect(out).toEqual([]);
  });

  it('black-litterman without views holds the equal-weight prior (w_mkt / (1 + tau))', async () => {
    // Two non-ml sources only: no views, so every symbol sits at 1/n / (1 + tau) of equity.
    const out = await allocator({ method: 'black-litterman', maxWeight: 1 }).feed([
      review({ seq: 1, symbol: 'A', ts: 1000, price: 100, source: 'sma-cross' }),
      review({ seq: 2, symbol: 'B', ts: 1000, price: 50, source: 'sma-cross', volatility: 0.02 }),
    ]);
    expect(out.map((o) => o.targetQuantity)).toEqual([Math.floor((0.5 / 1.05) * 1000), Math.floor(((0.5 / 1.05) * 100_000) / 50)]);
  });
});

describe('allocator: state and determinism', () => {
  it.each(METHODS)('%s: a restored copy continues exactly like the original, and outputs keep provenance and order', async (method) => {
    const whole = allocator({ method });
    const first = allocator({ method });
    const wholeOut: TargetPosition[][] = [];
    for (const b of realistic.batches) wholeOut.push(await whole.feed(b));
    const half = realistic.batches.length / 2;
    const splitOut: TargetPosition[][] = [];
    for (const b of realistic.batches.slice(0, half)) splitOut.push(await first.feed(b));
    const state = structuredClone(await first.module.snapshot());
    const second = allocator({ method });
    await second.module.restore(state, 1);
    for (const b of realistic.batches.slice(half)) splitOut.push(await second.feed(b));
    expect(splitOut).toEqual(wholeOut);

    const lastSeq = new Map<string, number>();
    let emitted = 0;
    realistic.batches.forEach((b, i) => {
      const seqs = new Set(b.map((r) => r.seq));
      for (const o of wholeOut[i]!) {
        expect(TargetPosition.safeParse(o).success).toBe(true);
        expect(seqs.has(o.seq)).toBe(true);
        expect(o.seq).toBeGreaterThanOrEqual(lastSeq.get(o.symbol) ?? 0);
        lastSeq.set(o.symbol, o.seq);
        emitted++;
      }
    });
    expect(emitted).toBeGreaterThan(10);
  });

  it('refuses a snapshot of another state version, or of another shape', async () => {
    const a = allocator();
    await expect(async () => a.module.restore(await a.module.snapshot(), 2)).rejects.toThrow(/state version 2/);
    await expect(async () => a.module.restore({ views: 1 }, 1)).rejects.toThrow(/snapshot/);
  });

  it('refuses a bad config at create time', () => {
    expect(() => allocator({ method: 'kelly' })).toThrow(/method/);
    expect(() => allocator({ weights: { 'ml:*': -1 } })).toThrow(/weights/);
  });
});
