import { afterEach, describe, expect, it } from 'vitest';
import type { OrderIntent, TargetPosition } from '../../src/contracts/tiers.ts';
import { OrderGate } from '../../src/kernel/OrderGate.ts';
import { TradingState } from '../../src/kernel/TradingState.ts';
import { marketEvents } from '../helpers/moduleFixtures.ts';
import { startKernel } from './kernelHarness.ts';

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const order = (symbol: string, side: 'buy' | 'sell', quantity: number, seq = 1): OrderIntent => ({ seq, symbol, ts: 1, clientOrderId: `o${seq}`, side, quantity, type: 'market' });

describe('trading state', () => {
  it('can always be tightened, and only an explicit reset with a reason loosens it', () => {
    const s = new TradingState({ seq: () => 42 });
    expect(s.tighten('REDUCING', 'drawdown', 'ops').seq).toBe(42);
    expect(() => s.tighten('REDUCING', '', 'ops')).toThrowError(expect.objectContaining({ code: 'HELIOS_E_INPUT_INVALID' }));
    s.tighten('HALTED', 'incident', 'ops');
    expect(() => s.tighten('REDUCING', 'try to loosen', 'ops')).toThrowError(expect.objectContaining({ code: 'HELIOS_E_INPUT_INVALID' }));
    expect(s.mode).toBe('HALTED');
    expect(() => s.reset('  ', 'ops')).toThrowError(expect.objectContaining({ code: 'HELIOS_E_INPUT_INVALID' }));
    expect(s.reset('incident closed', 'ops')).toMatchObject({ from: 'HALTED', to: 'ACTIVE', reason: 'incident closed', actor: 'ops' });
  });

  it('lets only exposure-shrinking orders through while REDUCING, never flipping a position', () => {
    const s = new TradingState({ seq: () => 1 });
    const pos: Record<string, number> = { A: 10, B: -5, C: 0 };
    const gate = new OrderGate(s, (sym) => pos[sym] ?? 0);
    s.tighten('REDUCING', 'limit', 'risk');
    const d = gate.filter([order('A', 'sell', 4, 1), order('A', 'sell', 4, 2), order('A', 'sell', 4, 3), order('B', 'buy', 5, 4), order('B', 'sell', 1, 5), order('C', 'buy', 1, 6)]);
    expect(d.sent.map((o) => o.seq)).toEqual([1, 2, 4]);
    expect(d.denied.map((x) => [x.order.seq, x.reason])).toEqual([
      [3, 'REDUCING'],
      [5, 'REDUCING'],
      [6, 'REDUCING'],
    ]);
  });

  it('waits for a gateway that reports a backlog only while the backlog is high', async () => {
    // A gateway whose writes never finish until released: with a low backlog the
    // execution tier goes on handing it batches; with a high one it waits.
    for (const backlog of [0, 1_000]) {
      const submitted: number[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      h = await startKernel({ gateway: { submit: (o) => (submitted.push(o.length), held), backlog: () => backlog } });
      await h.loadAll();
      for (let i = 0; i < 5; i++) {
        await h.kernel.ingest(marketEvents(10, 2, 1_700_000_000_000 + i * 10));
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 200));
      const total = submitted.reduce((a, b) => a + b, 0);
      if (backlog === 0) expect(total).toBe(50);
      else expect(total).toBeLessThan(50);
      release();
      await h.kernel.drain();
      expect(submitted.reduce((a, b) => a + b, 0)).toBe(50);
      await h.close();
      h = undefined;
    }
  });

  it('stops every order at the next batch once HALTED, and cancels open ones', async () => {
    let cancels = 0;
    const sent: OrderIntent[] = [];
    h = await startKernel({ gateway: { submit: (o) => void sent.push(...o), cancelAll: () => void cancels++ } });
    await h.loadAll();
    await h.kernel.ingest(marketEvents(100, 4));
    await h.kernel.drain();
    expect(sent).toHaveLength(100);
    h.kernel.trading.tighten('HALTED', 'kill switch', 'ops');
    expect(cancels).toBe(1);
    await h.kernel.ingest(marketEvents(100, 4, 2_000_000_000_000));
    await h.kernel.drain();
    expect(sent).toHaveLength(100);
    expect(h.kernel.orders.denied).toBe(100);
    // The pipeline kept running: targets were still computed, only egress is shut.
    expect(h.outputs.get('execution')).toHaveLength(200);
    expect(h.kernel.audit.entries({ action: 'trading' })).toHaveLength(1);
  });

  it('halts between two batches already queued for execution', async () => {
    // A slow portfolio module holds batches; the halt lands while they wait.
    h = await startKernel();
    await h.loadAll(['portfolio']);
    await h.add({
      name: 'slow-portfolio',
      tier: 'portfolio',
      version: '1.0.0',
      deadlineMs: 2000,
      code: `export function create() { return { async handle(items) { await new Promise((r) => setTimeout(r, 50)); return items.map((r) => ({ seq: r.seq, symbol: r.symbol, ts: r.ts, price: r.price, targetQuantity: 1, reason: 'slow' })); }, snapshot() { return null; }, restore() {}, dispose() {} }; }`,
    });
    const sentSeqs: number[] = [];
    h.kernel.tap('portfolio', (items) => {
      // Halt as soon as the first batch of targets has left portfolio, before execution sees it.
      if (sentSeqs.length === 0 && h!.kernel.trading.mode === 'ACTIVE') h!.kernel.trading.tighten('HALTED', 'test', 'ops');
      sentSeqs.push(...(items as TargetPosition[]).map((t) => t.seq));
    });
    for (let i = 0; i < 5; i++) await h.kernel.ingest(marketEvents(10, 2, 1_700_000_000_000 + i * 100));
    await h.kernel.drain();
    expect(sentSeqs.length).toBeGreaterThan(0);
    expect(h.sent).toHaveLength(0);
  });
});
