import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cloneable } from '../../src/contracts/module.ts';
import { RiskDecision as RiskDecisionSchema, type RiskDecision, type Signal } from '../../src/contracts/tiers.ts';
import { TradingPolicy } from '../../modules/lib/risk/policy.ts';
import { account, makeSizer, shippedConfig, signal, zigzag, type SizerVersion } from '../risk/sizerFixtures.ts';

const MINUTES_A_YEAR = 525_600;
const VERSIONS: SizerVersion[] = ['1.0.0', '1.1.0'];
const ln = Math.log;

async function run(sizer: { handle(items: Signal[]): RiskDecision[] | Promise<RiskDecision[]> }, items: Signal[]): Promise<RiskDecision[]> {
  const out = await sizer.handle(items);
  for (const d of out) RiskDecisionSchema.parse(d);
  return out;
}

describe('risk sizer: hand-computed sizes', () => {
  // 24 bars alternating 100 / 100.2 (ending at 100.2), then more of the same: every return is +-ln(1.002),
  // so the EWMA forecast is exactly that squared.
  const sigma = ln(1.002);
  const volTarget = (100_000 * (0.15 / Math.sqrt(MINUTES_A_YEAR))) / sigma; // 10,355.0

  it('1.0.0: quarter Kelly binds at p = 0.6, the order limit at p = 0.9, the vol target once a position is held', async () => {
    const world = { account: null as ReturnType<typeof account> | null };
    const { sizer, calls } = makeSizer('1.0.0', world);
    await run(sizer, zigzag('A', 24, 100, 100.2));
    const t = 60_000 * 25;
    const [kelly, order] = await run(sizer, [signal('A', t, 100, 1, 0.6), signal('A', t, 100, -1, 0.9)]);
    // f* = 0.6 - 0.4 = 0.2; a quarter of it is 5% of 100,000 = 5,000 -> 50 units at 100.
    expect(kelly).toMatchObject({ approved: true, quantity: 50, side: 'buy', confidence: 0.6 });
    expect(kelly!.volatility).toBeCloseTo(sigma, 12);
    expect(kelly!.reason).toMatch(/^kelly binds at 5000\.00 \(kelly 5000\.00, vol target 10355\.\d\d, symbol limit 25000\.00, leverage room 200000\.00, order limit 10000\.00\)/);
    // f* = 0.8, a quarter is 0.2 (the cap): 20,000; vol target 10,355; one order may add 10,000 -> 100 units.
    expect(order).toMatchObject({ approved: true, quantity: 100, side: 'sell' });
    expect(order!.reason).toMatch(/^order limit binds at 10000\.00/);
    expect(calls.filter((c) => c.name === 'account.snapshot')).toHaveLength(2);
    expect(calls.some((c) => c.name === 'trading.tighten')).toBe(false);

    // Holding 60 long (6,000): the order cap becomes 16,000, so the vol target binds: floor(10,355 / 100) = 103.
    world.account = account({ positions: { A: { quantity: 60, avgPrice: 100, markPrice: 100, realizedPnl: 0 } }, grossExposure: 6000 });
    const [held] = await run(sizer, [signal('A', t + 60_000, 100.2, 1, 0.9)]);
    expect(held!.quantity).toBe(Math.floor(volTarget / 100.2));
    expect(held!.reason).toMatch(/^vol target binds/);
  });

  it('1.1.0: the vol target scaled by the edge binds, half Kelly is only a cap', async () => {
    const { sizer } = makeSizer('1.1.0', { account: null });
    await run(sizer, zigzag('A', 24, 100, 100.2));
    const [d] = await run(sizer, [signal('A', 60_000 * 25, 100, 1, 0.6)]);
    // edge = f*(0.6) / f*(0.75) = 0.2 / 0.5 = 0.4; 0.4 * 10,355 = 4,142 < half Kelly 10,000 -> 41 units.
    expect(d).toMatchObject({ approved: true, quantity: Math.floor((0.4 * volTarget) / 100) });
    expect(d!.reason).toMatch(/^edge-scaled vol target binds at 4142\.\d\d/);
  });

  it('passes gates in order: flat, low confidence, warm-up', async () => {
    const { sizer } = makeSizer('1.0.0', { account: null });
    const out = await run(sizer, [signal('B', 1, 50, 0, 0.9), signal('B', 1, 50, 1, 0.5), signal('B', 1, 50, 1, 0.5499999), signal('B', 1, 50, 1, 0.7)]);
    expect(out.map((d) => [d.approved, d.quantity, d.reason])).toEqual([
      [true, 0, 'flat signal'],
      [false, 0, 'confidence 0.5 below 0.55'],
      [false, 0, 'confidence 0.5499999 below 0.55'],
      [false, 0, 'volatility warming up: 0 of 20 returns'],
    ]);
  });

  it('sizes on the configured capital when the account answer is missing or malformed', async () => {
    for (const answer of [null, { mode: 'ACTIVE', equity: 'lots' }]) {
      const { sizer, calls } = makeSizer('1.0.0', { account: answer as never });
      await run(sizer, zigzag('A', 24, 100, 100.2));
      const [d] = await run(sizer, [signal('A', 60_000 * 25, 100, 1, 0.6)]);
      // 5% of the 100,000 capital.
      expect(d).toMatchObject({ approved: true, quantity: 50 });
      expect(calls.every((c) => c.name === 'account.snapshot')).toBe(true);
    }
  });

  it('updates a tracker once per new bar, however many signals share it', async () => {
    const { sizer } = makeSizer('1.0.0', { account: null });
    const bars = zigzag('C', 10);
    const many = bars.flatMap((b) => [b, { ...signal('C', b.ts, b.price), source: 'sma-cross' }, { ...signal('C', b.ts, b.price), source: 'bollinger-reversion' }]);
    await run(sizer, many);
    // A straggler from an older bar is not a return either.
    await run(sizer, [signal('C', bars[3]!.ts, 999)]);
    const state = (await sizer.snapshot()) as { book: Record<string, { tracker: { count: number } }> };
    expect(state.book.C!.tracker.count).toBe(9);
  });
});

describe('risk sizer: loss policy', () => {
  for (const version of VERSIONS) {
    it(`${version}: a 2.5% daily loss asks once for HALTED with the numbers, and denies everything`, async () => {
      const world = { account: account({ dailyPnl: -2500, equity: 97_500 }) };
      const { sizer, calls } = makeSizer(version, world);
      const first = await run(sizer, [signal('A', 1, 100, 1, 0.9), signal('A', 1, 100, 0, 0.9)]);
      expect(first.every((d) => !d.approved && d.reason === 'trading HALTED')).toBe(true);
      expect(calls.filter((c) => c.name === 'trading.tighten')).toEqual([{ name: 'trading.tighten', payload: { mode: 'HALTED', reason: 'daily loss 2.50% >= 2.00% limit' } }]);
      // The loss recovers and the kernel has not moved yet: still halted, nothing asked twice.
      world.account = account({ dailyPnl: 500, equity: 100_500 });
      const second = await run(sizer, [signal('A', 2, 100, 1, 0.9)]);
      expect(second[0]!.approved).toBe(false);
      expect(calls.filter((c) => c.name === 'trading.tighten')).toHaveLength(1);
    });
  }

  it('escalates REDUCING then HALTED, once each, and caps REDUCING at the same-side holding', async () => {
    const pos = { A: { quantity: 30, avgPrice: 100, markPrice: 100, realizedPnl: 0 } };
    const world = { account: account({ drawdown: 0.06, positions: pos, grossExposure: 3000 }) };
    const { sizer, calls } = makeSizer('1.0.0', world);
    await run(sizer, zigzag('A', 25, 100, 100.2));
    const t = 60_000 * 26;
    const [grow, flip] = await run(sizer, [signal('A', t, 100, 1, 0.9), signal('A', t, 100, -1, 0.9)]);
    expect(grow).toMatchObject({ approved: true, quantity: 30 });
    expect(grow!.reason).toMatch(/^REDUCING \(no new exposure\) binds at 3000\.00/);
    expect(flip).toMatchObject({ approved: true, quantity: 0, side: 'sell' });
    expect(flip!.reason).toMatch(/^REDUCING: flat, no new exposure/);
    world.account = account({ drawdown: 0.11, positions: pos, grossExposure: 3000 });
    await run(sizer, [signal('A', t + 60_000, 100.2, 1, 0.9)]);
    await run(sizer, [signal('A', t + 120_000, 100, 1, 0.9)]);
    expect(calls.filter((c) => c.name === 'trading.tighten').map((c) => c.payload)).toEqual([
      { mode: 'REDUCING', reason: 'drawdown 6.00% >= 5.00% limit' },
      { mode: 'HALTED', reason: 'drawdown 11.00% >= 10.00% limit' },
    ]);
  });

  it('asks again when the tighten call fails', async () => {
    const world = { account: account({ dailyPnl: -1500 }), tightenFails: true };
    const { sizer, calls } = makeSizer('1.0.0', world);
    await run(sizer, [signal('A', 1, 100)]);
    await run(sizer, [signal('A', 2, 100)]);
    world.tightenFails = false;
    await run(sizer, [signal('A', 3, 100)]);
    await run(sizer, [signal('A', 4, 100)]);
    expect(calls.filter((c) => c.name === 'trading.tighten')).toHaveLength(3);
  });
});

describe('risk sizer: every limit holds (property)', () => {
  const cfg = shippedConfig('1.0.0') as Record<string, number>;
  // Unbiased, scaled integers: fast-check's default bias piles samples at the ends of each range, which
  // would leave ordinary accounts (inside the limits, room to trade) mostly untested.
  const scaled = (min: number, max: number, unit: number) => fc.integer({ min: Math.round(min / unit), max: Math.round(max / unit) }).map((k) => k * unit);
  const arbAccount = fc.record({
    mode: fc.integer({ min: 0, max: 9 }).map((k) => (k < 6 ? 'ACTIVE' : k < 8 ? 'REDUCING' : 'HALTED') as 'ACTIVE' | 'REDUCING' | 'HALTED'),
    equity: scaled(1_000, 1_000_000, 1),
    // Mostly inside the limits, sometimes past one (the policy then tightens on its own).
    dailyLossPct: fc.oneof({ arbitrary: scaled(0, 0.0099, 0.0001), weight: 4 }, { arbitrary: scaled(0.01, 0.025, 0.0001), weight: 1 }),
    drawdown: fc.oneof({ arbitrary: scaled(0, 0.0499, 0.0001), weight: 4 }, { arbitrary: scaled(0.05, 0.12, 0.0001), weight: 1 }),
    otherGrossMultiple: scaled(0, 2.5, 0.01),
    qty: fc.integer({ min: -400, max: 400 }),
    pending: fc.integer({ min: -50, max: 50 }),
  });
  const arbSignal = fc.record({
    symbol: fc.constantFrom('A', 'B'),
    step: scaled(-0.02, 0.02, 0.0001),
    direction: fc.constantFrom(-1 as const, 0 as const, 1 as const),
    confidence: scaled(0, 1, 0.001),
  });

  for (const version of VERSIONS) {
    it(`${version}: no approved size breaks a limit, the mode or its own sizing caps`, async () => {
      let sized = 0;
      await fc.assert(
        fc.asyncProperty(fc.noBias(arbAccount), fc.noBias(fc.array(arbSignal, { minLength: 1, maxLength: 12 })), async (a, sigs) => {
          const world = { account: null as ReturnType<typeof account> | null };
          const { sizer } = makeSizer(version, world);
          await run(sizer, [...zigzag('A', 22, 100, 100.3), ...zigzag('B', 22, 40, 40.5)]);
          const otherGross = a.otherGrossMultiple * a.equity;
          const snap = account({
            mode: a.mode,
            equity: a.equity,
            dayStartEquity: a.equity,
            dailyPnl: -a.dailyLossPct * a.equity,
            drawdown: a.drawdown,
            grossExposure: otherGross + Math.abs(a.qty * 100),
            positions: { A: { quantity: a.qty, avgPrice: 100, markPrice: 100, realizedPnl: 0 } },
            pending: { A: a.pending },
          });
          world.account = snap;
          const mode = new TradingPolicy().assess(snap).mode;
          const ts = 60_000 * 30;
          const items = sigs.map((s) => signal(s.symbol, ts, (s.symbol === 'A' ? 100 : 40) * (1 + s.step), s.direction, s.confidence));
          const out = await run(sizer, items);
          expect(out).toHaveLength(items.length);
          out.forEach((d, i) => {
            const s = items[i]!;
            expect([d.seq, d.symbol, d.source]).toEqual([s.seq, s.symbol, s.source]);
            expect(Number.isInteger(d.quantity)).toBe(true);
            if (mode === 'HALTED') expect(d.approved).toBe(false);
            if (s.confidence < cfg.minConfidence! && s.direction !== 0) expect(d.approved).toBe(false);
            if (!d.approved || d.quantity === 0) return;
            sized++;
            const dir = d.side === 'buy' ? 1 : -1;
            const isA = s.symbol === 'A';
            const held = isA ? (a.qty + a.pending) * s.price : 0;
            const notional = d.quantity * s.price;
            const slack = 1e-6 * s.price;
            expect(notional).toBeLessThanOrEqual(cfg.maxPositionNotional! + slack);
            expect(notional).toBeLessThanOrEqual(cfg.maxGrossLeverage! * a.equity - otherGross + slack);
            expect(notional).toBeLessThanOrEqual(dir * held + cfg.maxOrderNotional! + slack);
            if (mode === 'REDUCING') expect(notional).toBeLessThanOrEqual(Math.max(0, dir * held) + slack);
            const f = s.confidence - (1 - s.confidence) / cfg.payoffRatio!;
            const kellyShare = version === '1.0.0' ? 0.25 : 0.5;
            expect(notional).toBeLessThanOrEqual(a.equity * Math.min(cfg.kellyCap!, kellyShare * f) + slack);
            expect(notional).toBeLessThanOrEqual((a.equity * cfg.targetAnnualVol!) / Math.sqrt(cfg.periodsPerYear!) / d.volatility! + slack);
          });
        }),
        { numRuns: 200, seed: 20240601 },
      );
      // The property must have bitten: plenty of non-zero approvals were checked.
      expect(sized).toBeGreaterThan(80);
    });
  }
});

describe('risk sizer: versions side by side', () => {
  it('1.1.0 adopts a 1.0.0 snapshot: trackers and policy carry over, calibration starts neutral', async () => {
    const world = { account: account({ dailyPnl: -1200 }) };
    const old = makeSizer('1.0.0', world);
    const bars = zigzag('A', 300, 100, 100.4);
    for (let i = 0; i < bars.length; i += 50) await run(old.sizer, bars.slice(i, i + 50));
    const state = structuredClone(await old.sizer.snapshot());
    const next = makeSizer('1.1.0', world);
    await next.sizer.restore(state, 1);
    const prevForecast = ((state as { book: { A: { tracker: { garchVariance: number; params: unknown } } } }).book.A.tracker);
    expect(prevForecast.params).not.toBeNull();

    const t = bars[bars.length - 1]!.ts + 60_000;
    const s = signal('A', t, 100, 1, 0.8);
    const [a] = await run(old.sizer, [s]);
    const [b] = await run(next.sizer, [s]);
    // Same tracker, so the same raw forecast; 1.1.0 then scales it by sqrt(0.98 + 0.02 r^2 / h), its first calibration step.
    const r = ln(100.4 / 100);
    const scale = Math.sqrt(0.98 + (0.02 * r * r) / prevForecast.garchVariance);
    expect(b!.volatility! / a!.volatility!).toBeCloseTo(Math.min(2, Math.max(0.5, scale)), 10);
    // The policy came along: REDUCING was asked by 1.0.0 and is not asked again by 1.1.0.
    expect(old.calls.filter((c) => c.name === 'trading.tighten')).toHaveLength(1);
    expect(next.calls.filter((c) => c.name === 'trading.tighten')).toHaveLength(0);
    // REDUCING with nothing held: both want flat.
    expect([a!.quantity, b!.quantity]).toEqual([0, 0]);

    const own = structuredClone(await next.sizer.snapshot());
    const again = makeSizer('1.1.0', world);
    await again.sizer.restore(own, 2);
    expect(await again.sizer.snapshot()).toEqual(own);
  });

  it('size differently from the same inputs, so a shadow or canary shows the difference', async () => {
    const bars = zigzag('A', 300, 100, 100.4);
    const out: Record<string, RiskDecision[]> = {};
    for (const v of VERSIONS) {
      const { sizer } = makeSizer(v, { account: account() });
      for (let i = 0; i < bars.length; i += 100) await run(sizer, bars.slice(i, i + 100));
      const t = bars[bars.length - 1]!.ts + 60_000;
      out[v] = await run(sizer, [0.56, 0.6, 0.7, 0.9].map((p) => signal('A', t, 100, 1, p)));
    }
    const q = (v: SizerVersion): number[] => out[v]!.map((d) => d.quantity);
    expect(q('1.0.0')).not.toEqual(q('1.1.0'));
    // Quarter Kelly grows with the edge; the edge-scaled vol target grows with it too, from a different base.
    expect(q('1.0.0')).toEqual([...q('1.0.0')].sort((x, y) => x - y));
    expect(q('1.1.0')).toEqual([...q('1.1.0')].sort((x, y) => x - y));
  });

  it('refuses state it cannot read', async () => {
    const { sizer: v1 } = makeSizer('1.0.0', { account: null });
    const { sizer: v2 } = makeSizer('1.1.0', { account: null });
    const v2state = structuredClone(await v2.snapshot());
    expect(() => v1.restore(v2state, 2)).toThrow(RangeError);
    expect(() => v2.restore(v2state, 3)).toThrow(RangeError);
    expect(() => v2.restore({ policy: null } as unknown as Cloneable, 1)).toThrow(TypeError);
  });

  it('rejects a bad config at create()', () => {
    expect(() => makeSizer('1.0.0', { account: null }, { maxGrossLeverage: -1 })).toThrow(/maxGrossLeverage/);
    expect(() => makeSizer('1.0.0', { account: null }, { reduceDrawdown: 0.2 })).toThrow(/reduceDrawdown/);
  });
});
