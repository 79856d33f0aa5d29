/**
 * modules/ingestion/market-data through its public seam: create(ctx) with a
 * fake context, and registered and run in a worker by the harness.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Cloneable, ModuleContext, ModuleInstance } from '../../src/contracts/module.ts';
import type { Candle, MarketEvent, RawMarketEvent } from '../../src/contracts/tiers.ts';
import { MarketEvent as MarketEventSchema } from '../../src/contracts/tiers.ts';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { seededRandom } from '../../src/util/seededRandom.ts';
import { create } from '../../modules/ingestion/market-data/index.ts';
import { CandleBuilder } from '../../modules/lib/candles/CandleBuilder.ts';
import { tfToMs } from '../../modules/lib/candles/timeframe.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

const MODULE_DIR = new URL('../../modules/ingestion/market-data/', import.meta.url).pathname;
const T0 = Date.UTC(2026, 0, 1);

interface Fake {
  ctx: ModuleContext;
  reports: { name: string; payload: Cloneable }[];
  warnings: string[];
}

function fakeCtx(config: Record<string, unknown> = {}, effect?: () => Promise<Cloneable>): Fake {
  const reports: Fake['reports'] = [];
  const warnings: string[] = [];
  const ctx: ModuleContext = {
    tier: 'ingestion',
    name: 'market-data',
    version: '1.0.0',
    config,
    shadow: false,
    clock: { now: () => 0 },
    log: { debug() {}, info() {}, warn: (msg) => warnings.push(msg), error() {} },
    effects: {
      call(name, payload) {
        reports.push({ name, payload });
        return effect ? effect() : Promise.resolve(null);
      },
    },
  };
  return { ctx, reports, warnings };
}

async function run(m: ModuleInstance<'ingestion'>, items: RawMarketEvent[]): Promise<MarketEvent[]> {
  return m.handle(items);
}

let seq = 0;
const ev = (e: Omit<RawMarketEvent, 'seq'>): RawMarketEvent => ({ seq: ++seq, ...e });

describe('market-data: quarantine', () => {
  it('quarantines each kind of bad data, passes the rest, and reports counts by reason once per batch', async () => {
    const f = fakeCtx();
    const m = create(f.ctx);
    const good = [
      ev({ symbol: 'A', ts: T0, kind: 'trade', price: 10, size: 1 }),
      ev({ symbol: 'A', ts: T0, kind: 'quote', bid: 9.9, ask: 10.1 }),
      ev({ symbol: 'A', ts: T0, kind: 'bar', open: 10, high: 10.5, low: 9.5, close: 10.2, volume: 5 }),
    ];
    const bad: [string, RawMarketEvent][] = [
      ['missing number', ev({ symbol: 'A', ts: T0 + 1, kind: 'trade', size: 1 })],
      ['missing number', ev({ symbol: 'A', ts: T0 + 1, kind: 'quote', bid: 9.9 })],
      ['missing number', ev({ symbol: 'A', ts: T0 + 1, kind: 'bar', open: 10, high: 11, close: 10 })],
      ['non-finite number', ev({ symbol: 'A', ts: T0 + 1, kind: 'trade', price: Number.NaN, size: 1 })],
      ['non-finite number', ev({ symbol: 'A', ts: T0 + 1, kind: 'trade', price: 10, size: Number.POSITIVE_INFINITY })],
      ['non-finite number', ev({ symbol: 'A', ts: T0 + 1, kind: 'quote', bid: 9.9, ask: 10.1, askSize: Number.NaN })],
      ['non-finite number', ev({ symbol: 'A', ts: Number.NaN, kind: 'trade', price: 10, size: 1 })],
      ['non-positive price', ev({ symbol: 'A', ts: T0 + 1, kind: 'trade', price: 0, size: 1 })],
      ['non-positive price', ev({ symbol: 'A', ts: T0 + 1, kind: 'quote', bid: -1, ask: 10 })],
      ['non-positive price', ev({ symbol: 'A', ts: T0 + 1, kind: 'bar', open: 10, high: 11, low: 0, close: 10 })],
      ['negative size', ev({ symbol: 'A', ts: T0 + 1, kind: 'trade', price: 10, size: -1 })],
      ['negative size', ev({ symbol: 'A', ts: T0 + 1, kind: 'quote', bid: 9.9, ask: 10.1, bidSize: -5 })],
      ['negative size', ev({ symbol: 'A', ts: T0 + 1, kind: 'bar', open: 10, high: 11, low: 9, close: 10, volume: -1 })],
      ['crossed or locked quote', ev({ symbol: 'A', ts: T0 + 1, kind: 'quote', bid: 10.2, ask: 10.1 })],
      ['crossed or locked quote', ev({ symbol: 'A', ts: T0 + 1, kind: 'quote', bid: 10.1, ask: 10.1 })],
      ['inconsistent OHLC', ev({ symbol: 'A', ts: T0 + 1, kind: 'bar', open: 10, high: 11, low: 10.5, close: 10.8 })],
      ['inconsistent OHLC', ev({ symbol: 'A', ts: T0 + 1, kind: 'bar', open: 10, high: 10.5, low: 9, close: 10.8 })],
      ['out-of-order timestamp', ev({ symbol: 'A', ts: T0 - 1, kind: 'trade', price: 10, size: 1 })],
      ['out-of-order timestamp', ev({ symbol: 'A', ts: T0 - 1, kind: 'bar', open: 10, high: 11, low: 9, close: 10 })],
      ['duplicate timestamp', ev({ symbol: 'A', ts: T0, kind: 'trade', price: 10, size: 1 })],
      ['duplicate timestamp', ev({ symbol: 'A', ts: T0, kind: 'quote', bid: 9.9, ask: 10.1 })],
    ];
    const out = await run(m, [...good, ...bad.map(([, e]) => e)]);
    expect(out.map((o) => o.seq)).toEqual(good.map((g) => g.seq));
    expect(out).toEqual([
      { seq: good[0]!.seq, symbol: 'A', ts: T0, kind: 'trade', price: 10, size: 1 },
      { seq: good[1]!.seq, symbol: 'A', ts: T0, kind: 'quote', price: 10, size: 0, bid: 9.9, ask: 10.1 },
      { seq: good[2]!.seq, symbol: 'A', ts: T0, kind: 'bar', price: 10.2, size: 5, open: 10, high: 10.5, low: 9.5, close: 10.2, volume: 5 },
    ]);
    const want: Record<string, number> = {};
    for (const [reason] of bad) want[reason] = (want[reason] ?? 0) + 1;
    expect(f.reports).toEqual([{ name: 'ingestion.quarantine', payload: { reasons: want } }]);

    // A clean batch reports nothing; the totals keep every batch's counts.
    await run(m, [ev({ symbol: 'A', ts: T0 + 5, kind: 'trade', price: 10, size: 1 })]);
    await run(m, [ev({ symbol: 'A', ts: T0 + 6, kind: 'trade', price: -1, size: 1 })]);
    expect(f.reports.map((r) => r.payload)).toEqual([{ reasons: want }, { reasons: { 'non-positive price': 1 } }]);
    const totals = ((await m.snapshot()) as { totals: Record<string, unknown> }).totals;
    expect(totals).toEqual({
      events: good.length + bad.length + 2,
      passed: good.length + 1,
      candles: 0,
      quarantined: { ...want, 'non-positive price': want['non-positive price']! + 1 },
    });
  });

  it('keeps timestamp order per instrument and per kind: other instruments and other kinds may share or precede a ts', async () => {
    const m = create(fakeCtx().ctx);
    const out = await run(m, [
      ev({ symbol: 'A', ts: T0 + 10, kind: 'trade', price: 10 }),
      ev({ symbol: 'B', ts: T0 + 5, kind: 'trade', price: 10 }),
      ev({ symbol: 'A', ts: T0 + 5, kind: 'quote', bid: 9, ask: 11 }),
      ev({ symbol: 'A', ts: T0 + 10, kind: 'quote', bid: 9, ask: 11 }),
      ev({ symbol: 'A', ts: T0 + 10, kind: 'trade', price: 10 }),
      ev({ symbol: 'A', ts: T0 + 11, kind: 'trade', price: 10 }),
    ]);
    expect(out.map((o) => [o.symbol, o.kind, o.ts - T0])).toEqual([
      ['A', 'trade', 10],
      ['B', 'trade', 5],
      ['A', 'quote', 5],
      ['A', 'quote', 10],
      ['A', 'trade', 11],
    ]);
  });

  it('a bad event does not move the clock: the next good event is judged against the last good one', async () => {
    const m = create(fakeCtx().ctx);
    const out = await run(m, [
      ev({ symbol: 'A', ts: T0, kind: 'trade', price: 10 }),
      ev({ symbol: 'A', ts: T0 + 100, kind: 'trade', price: -10 }),
      ev({ symbol: 'A', ts: T0 + 50, kind: 'trade', price: 10 }),
    ]);
    expect(out.map((o) => o.ts - T0)).toEqual([0, 50]);
  });

  it('keeps handling when the quarantine report fails, and says so once', async () => {
    const f = fakeCtx({}, () => Promise.reject(new Error('no such effect')));
    const m = create(f.ctx);
    for (let i = 0; i < 3; i++) {
      const out = await run(m, [ev({ symbol: 'A', ts: T0 + i, kind: 'trade', price: 10 }), ev({ symbol: 'A', ts: T0 + i, kind: 'trade', price: 0 })]);
      expect(out).toHaveLength(1);
    }
    await new Promise((r) => setTimeout(r, 0));
    expect(f.reports).toHaveLength(3);
    expect(f.warnings).toHaveLength(1);
  });
});

describe('market-data: candles', () => {
  /**
   * Random input for a few instruments: trades, bars and quotes, some bad,
   * gaps of up to an hour now and then. Returns the events and which are bad.
   */
  function randomInput(seed: number, n: number): { events: RawMarketEvent[]; bad: Set<number> } {
    const rand = seededRandom(seed);
    const symbols = ['A', 'B', 'C'];
    const ts = new Map(symbols.map((s) => [s, T0 + Math.floor(rand() * 60_000)]));
    const px = new Map(symbols.map((s) => [s, 50 + rand() * 50]));
    const events: RawMarketEvent[] = [];
    const bad = new Set<number>();
    for (let i = 0; i < n; i++) {
      const symbol = symbols[Math.floor(rand() * symbols.length)]!;
      const jump = rand() < 0.01 ? rand() * 3_600_000 : rand() * 20_000;
      const t = ts.get(symbol)! + 1 + Math.floor(jump);
      ts.set(symbol, t);
      const p = Math.round(px.get(symbol)! * Math.exp((rand() - 0.5) * 0.01) * 100) / 100;
      px.set(symbol, p);
      const r = rand();
      let e: RawMarketEvent;
      if (r < 0.05) {
        e = ev({ symbol, ts: t, kind: 'trade', price: -p, size: 1 });
        bad.add(e.seq);
      } else if (r < 0.25) {
        e = ev({ symbol, ts: t, kind: 'quote', bid: p - 0.01, ask: p + 0.01, bidSize: 3, askSize: 4 });
      } else if (r < 0.35) {
        const c = Math.round(p * (1 + (rand() - 0.5) * 0.004) * 100) / 100;
        e = ev({ symbol, ts: t, kind: 'bar', open: p, high: Math.max(p, c) + 0.05, low: Math.min(p, c) - 0.05, close: c, volume: Math.floor(rand() * 1000) });
      } else {
        e = ev({ symbol, ts: t, kind: 'trade', price: p, size: Math.floor(rand() * 100) });
      }
      events.push(e);
    }
    return { events, bad };
  }

  /** The plain way: every bucket of every valid trade or bar, per instrument and timeframe, in time order. */
  function aggregate(events: RawMarketEvent[], bad: Set<number>, tfs: [string, number][]): Map<string, Candle[]> {
    const out = new Map<string, Candle[]>();
    for (const e of events) {
      if (bad.has(e.seq) || e.kind === 'quote') continue;
      const [o, h, l, c, v] = e.kind === 'trade' ? [e.price!, e.price!, e.price!, e.price!, e.size ?? 0] : [e.open!, e.high!, e.low!, e.close!, e.volume ?? 0];
      for (const [tf, ms] of tfs) {
        const key = `${e.symbol} ${tf}`;
        const list = out.get(key) ?? [];
        out.set(key, list);
        const start = Math.floor(e.ts / ms) * ms;
        const last = list[list.length - 1];
        if (last !== undefined && last.start === start) {
          last.high = Math.max(last.high, h);
          last.low = Math.min(last.low, l);
          last.close = c;
          last.volume += v;
          last.count++;
        } else list.push({ tf, start, open: o, high: h, low: l, close: c, volume: v, count: 1 });
      }
    }
    return out;
  }

  it.each([1, 2, 3])('match a straightforward aggregation of the same trades and bars (seed %i), on the event that closes them', async (s) => {
    const tfs: [string, number][] = [
      ['1m', 60_000],
      ['5m', 300_000],
      ['15m', 900_000],
      ['1h', 3_600_000],
    ];
    const { events, bad } = randomInput(s, 6_000);
    const m = create(fakeCtx({ timeframes: tfs.map(([tf]) => tf) }).ctx);
    const rand = seededRandom(s + 100);
    const out: MarketEvent[] = [];
    for (let i = 0; i < events.length; ) {
      const size = 1 + Math.floor(rand() * 500);
      out.push(...(await run(m, events.slice(i, i + size))));
      i += size;
    }
    expect(out.map((o) => o.seq)).toEqual(events.filter((e) => !bad.has(e.seq)).map((e) => e.seq));
    expect(out.filter((o) => !MarketEventSchema.safeParse(o).success)).toEqual([]);

    const emitted = new Map<string, Candle[]>();
    for (const o of out) {
      if (!('candles' in o)) continue;
      expect(o.kind).not.toBe('quote');
      // Timeframe order as configured, and only candles whose bucket this event has left.
      const order = o.candles!.map((c) => tfs.findIndex(([tf]) => tf === c.tf));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      for (const c of o.candles!) {
        expect(o.ts).toBeGreaterThanOrEqual(c.start + tfs.find(([tf]) => tf === c.tf)![1]);
        const key = `${o.symbol} ${c.tf}`;
        emitted.set(key, [...(emitted.get(key) ?? []), c]);
      }
    }
    const want = aggregate(events, bad, tfs);
    let compared = 0;
    for (const [key, all] of want) {
      // The last bucket is still open: nothing has proved it closed.
      expect(emitted.get(key) ?? [], key).toEqual(all.slice(0, -1));
      compared += all.length - 1;
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('attaches no candles key to an event that closed nothing, and orders candles as configured', async () => {
    const m = create(fakeCtx({ timeframes: ['5m', '1m'] }).ctx);
    const out = await run(m, [
      ev({ symbol: 'A', ts: T0 + 1_000, kind: 'trade', price: 10, size: 1 }),
      ev({ symbol: 'A', ts: T0 + 2_000, kind: 'trade', price: 11, size: 2 }),
      ev({ symbol: 'A', ts: T0 + 300_000, kind: 'trade', price: 12, size: 3 }),
    ]);
    expect(Object.keys(out[0]!)).toEqual(['seq', 'symbol', 'ts', 'kind', 'price', 'size']);
    expect(Object.keys(out[1]!)).toEqual(['seq', 'symbol', 'ts', 'kind', 'price', 'size']);
    expect(out[2]!.candles).toEqual([
      { tf: '5m', start: T0, open: 10, high: 11, low: 10, close: 11, volume: 3, count: 2 },
      { tf: '1m', start: T0, open: 10, high: 11, low: 10, close: 11, volume: 3, count: 2 },
    ]);
  });

  it('builds 1m, 5m and 15m by default and refuses a timeframe it cannot parse', async () => {
    const m = create(fakeCtx().ctx);
    const out = await run(m, [ev({ symbol: 'A', ts: T0, kind: 'trade', price: 10 }), ev({ symbol: 'A', ts: T0 + 900_000, kind: 'trade', price: 10 })]);
    expect(out[1]!.candles!.map((c) => c.tf)).toEqual(['1m', '5m', '15m']);
    for (const timeframes of [['1x'], ['0m'], [], ['1m', '1m'], '1m']) expect(() => create(fakeCtx({ timeframes }).ctx), JSON.stringify(timeframes)).toThrow(/timeframe/);
  });
});

describe('market-data: state', () => {
  it('survives snapshot and restore into a new instance: the rest of the stream comes out exactly as without the swap', async () => {
    const rand = seededRandom(77);
    const events: RawMarketEvent[] = [];
    const ts = { A: T0, B: T0 + 7 };
    for (let i = 0; i < 4_000; i++) {
      const symbol = rand() < 0.5 ? 'A' : 'B';
      ts[symbol] += 1 + Math.floor(rand() * 2_000);
      const price = 100 + Math.floor(rand() * 100) / 10;
      events.push(rand() < 0.02 ? ev({ symbol, ts: ts[symbol] - 5_000, kind: 'trade', price }) : ev({ symbol, ts: ts[symbol], kind: 'trade', price, size: 1 }));
    }
    const cut = 2_345;
    const straight = create(fakeCtx().ctx);
    const whole = [...(await run(straight, events.slice(0, cut))), ...(await run(straight, events.slice(cut)))];

    const before = create(fakeCtx().ctx);
    const head = await run(before, events.slice(0, cut));
    const state = structuredClone(await before.snapshot());
    // Plain data only: it must survive JSON as well as structured clone.
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const after = create(fakeCtx().ctx);
    await after.restore(state, 1);
    const tail = await run(after, events.slice(cut));
    expect([...head, ...tail]).toEqual(whole);
    expect(tail.some((o) => o.candles !== undefined)).toBe(true);
    expect(await after.snapshot()).toEqual(await straight.snapshot());
    expect(() => after.restore(state, 2)).toThrow(/state version 2/);
  });
});

describe('candle library (modules/lib/candles), as the backtest and training code use it', () => {
  it('parses timeframes to milliseconds and refuses what is not one', () => {
    expect(['30s', '1m', '15m', '4h', '1d'].map(tfToMs)).toEqual([30_000, 60_000, 900_000, 14_400_000, 86_400_000]);
    for (const tf of ['', 'm', '1w', '1.5m', '0h', ' 1m']) expect(() => tfToMs(tf), tf).toThrow(/timeframe/);
  });

  it('keeps instruments apart, and a builder restored from a snapshot continues exactly as the original', () => {
    const a = new CandleBuilder(['1m', '5m']);
    expect(a.push('X', T0, 10, 10, 10, 10, 1)).toBeUndefined();
    expect(a.push('Y', T0 + 61_000, 20, 21, 19, 20.5, 7)).toBeUndefined();
    expect(a.push('X', T0 + 30_000, 9, 12, 8, 11, 2)).toBeUndefined();
    const b = new CandleBuilder(['1m', '5m']);
    b.restore(structuredClone(a.snapshot()));
    for (const builder of [a, b]) {
      expect(builder.push('X', T0 + 301_000, 11, 11, 11, 11, 1)).toEqual([
        { tf: '1m', start: T0, open: 10, high: 12, low: 8, close: 11, volume: 3, count: 2 },
        { tf: '5m', start: T0, open: 10, high: 12, low: 8, close: 11, volume: 3, count: 2 },
      ]);
      expect(builder.push('Y', T0 + 125_000, 20, 20, 20, 20, 1)).toEqual([{ tf: '1m', start: T0 + 60_000, open: 20, high: 21, low: 19, close: 20.5, volume: 7, count: 1 }]);
    }
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(() => new CandleBuilder(['1m', '1m'])).toThrow(/repeat/);
  });
});

describe('market-data: harness', () => {
  let store = '';
  afterAll(() => rm(store, { recursive: true, force: true }));

  it('registers with the candles library in its artifact and passes its own cases in a worker', async () => {
    store = await tempDir();
    const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));
    const v = await registry.register(MODULE_DIR);
    expect(v.manifest).toMatchObject({ name: 'market-data', tier: 'ingestion', version: '1.0.0', isolation: 'worker', deadlineMs: 200, maxBatch: 4096, config: { timeframes: ['1m', '5m', '15m'] } });
    const files = (await ArtifactStore.collect(MODULE_DIR)).files;
    expect(files).toEqual(expect.arrayContaining(['lib/candles/CandleSeries.ts', 'lib/candles/CandleBuilder.ts', 'lib/candles/timeframe.ts']));
    const r = await runHarness(v);
    expect(r.cases.map((c) => c.name).length).toBe(3);
    expect(r.cases.flatMap((c) => c.failures)).toEqual([]);
    expect(r.passed).toBe(true);
  });
});
