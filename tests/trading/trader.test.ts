import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { AccountSnapshot } from '../../src/contracts/effects.ts';
import type { Cloneable, ModuleContext } from '../../src/contracts/module.ts';
import type { OrderIntent, TargetPosition } from '../../src/contracts/tiers.ts';
import { create } from '../../modules/execution/trader/index.ts';

const manifest = JSON.parse(await readFile(new URL('../../modules/execution/trader/manifest.json', import.meta.url), 'utf8')) as { config: Record<string, unknown> };

function account(mode: AccountSnapshot['mode'], positions: Record<string, number>, pending: Record<string, number> = {}): AccountSnapshot {
  const pv = Object.fromEntries(Object.entries(positions).map(([s, q]) => [s, { quantity: q, avgPrice: 10, markPrice: 10, realizedPnl: 0 }]));
  return { asOf: 0, mode, cash: 0, equity: 0, dayStartEquity: 0, peakEquity: 0, dailyPnl: 0, drawdown: 0, grossExposure: 0, fees: 0, positions: pv, pending };
}

/** The module as the kernel runs it, with `account.snapshot` answered by `answer` and every call counted. */
function trader(answer: () => AccountSnapshot | null, config: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const ctx: ModuleContext = {
    tier: 'execution',
    name: 'trader',
    version: '1.0.0',
    config: { ...manifest.config, ...config },
    shadow: false,
    clock: { now: () => 0 },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    effects: {
      async call(name) {
        calls.push(name);
        return answer() as unknown as Cloneable;
      },
    },
  };
  const m = create(ctx) as { handle(items: TargetPosition[]): Promise<OrderIntent[]> };
  return { handle: (items: TargetPosition[]) => m.handle(items), calls };
}

const target = (seq: number, symbol: string, targetQuantity: number, price = 10): TargetPosition => ({ seq, symbol, ts: seq * 1000, price, targetQuantity, reason: 't' });
const brief = (os: OrderIntent[]) => os.map((o) => `${o.clientOrderId} ${o.side} ${o.quantity}`);

describe('execution/trader', () => {
  it('orders the difference between target and position plus working orders, once per batch asking the account', async () => {
    const t = trader(() => account('ACTIVE', { AAA: 100, BBB: -50 }, { AAA: 20, BBB: 50 }));
    const out = await t.handle([target(1, 'AAA', 200), target(2, 'BBB', 30), target(3, 'CCC', -40)]);
    expect(brief(out)).toEqual(['AAA-1-0 buy 80', 'BBB-2-0 buy 30', 'CCC-3-0 sell 40']);
    expect(out[0]).toEqual({ seq: 1, symbol: 'AAA', ts: 1000, clientOrderId: 'AAA-1-0', side: 'buy', quantity: 80, type: 'market' });
    expect(t.calls).toEqual(['account.snapshot']);
    expect(await t.handle([])).toEqual([]);
    expect(t.calls).toHaveLength(1);
  });

  it('keeps only the latest target per symbol in a batch, in the order of those latest targets', async () => {
    const t = trader(() => account('ACTIVE', {}));
    expect(brief(await t.handle([target(1, 'AAA', 100), target(2, 'BBB', 20), target(3, 'AAA', -30)]))).toEqual(['BBB-2-0 buy 20', 'AAA-3-0 sell 30']);
  });

  it('rounds towards zero to whole lots and skips orders under the minimum notional', async () => {
    const t = trader(() => account('ACTIVE', { AAA: 0.4 }), { lotSize: 5, minNotional: 100 });
    // 47.9 - 0.4 = 47.5 -> 45; -12.9 -> -10 (100 of notional: kept); 9.9 -> 5 (50: skipped).
    expect(brief(await t.handle([target(1, 'AAA', 47.9), target(2, 'BBB', -12.9), target(3, 'CCC', 9.9)]))).toEqual(['AAA-1-0 buy 45', 'BBB-2-0 sell 10']);
    const fine = trader(() => null, { lotSize: 0.1, minNotional: 0 });
    expect(brief(await fine.handle([target(1, 'AAA', 0.3)]))).toEqual(['AAA-1-0 buy 0.3']);
  });

  it('splits an order above maxOrderNotional into whole-lot children with consecutive ids', async () => {
    const t = trader(() => null, { maxOrderNotional: 1_000 });
    expect(brief(await t.handle([target(7, 'AAA', -250, 10)]))).toEqual(['AAA-7-0 sell 100', 'AAA-7-1 sell 100', 'AAA-7-2 sell 50']);
  });

  it('reduces only, without flipping, under REDUCING, and orders nothing under HALTED', async () => {
    const reducing = trader(() => account('REDUCING', { AAA: 100, BBB: -50, CCC: 30 }, { AAA: -30, BBB: -10 }));
    const out = await reducing.handle([target(1, 'AAA', -500), target(2, 'BBB', 100), target(3, 'CCC', 60), target(4, 'DDD', 10)]);
    expect(brief(out)).toEqual(['AAA-1-0 sell 70', 'BBB-2-0 buy 50']);
    const halted = trader(() => account('HALTED', { AAA: 100 }));
    expect(await halted.handle([target(1, 'AAA', 0), target(2, 'BBB', 10)])).toEqual([]);
  });

  it('reads a null account as flat and ACTIVE', async () => {
    const t = trader(() => null);
    expect(brief(await t.handle([target(1, 'AAA', 12), target(2, 'BBB', -15)]))).toEqual(['AAA-1-0 buy 12', 'BBB-2-0 sell 15']);
  });

  it('gives a replayed decision the same ids, so the book can refuse the second copy', async () => {
    let acct = account('ACTIVE', {});
    const t = trader(() => acct);
    const first = await t.handle([target(9, 'AAA', 50, 20), target(10, 'BBB', 300, 20)]);
    // The book has the first copy working; a replay with more or less left to do still names the same orders.
    acct = account('ACTIVE', { AAA: 10 }, { BBB: 100 });
    const replay = await t.handle([target(9, 'AAA', 50, 20), target(10, 'BBB', 300, 20)]);
    expect(first.map((o) => o.clientOrderId)).toEqual(['AAA-9-0', 'BBB-10-0']);
    expect(replay.map((o) => o.clientOrderId)).toEqual(['AAA-9-0', 'BBB-10-0']);
  });
});
