import { describe, expect, it } from 'vitest';
import type { ModuleContext } from '../../src/contracts/module.ts';
import type { RawMarketEvent } from '../../src/contracts/tiers.ts';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { BAD_KINDS } from '../../src/feed/badData.ts';
import { SyntheticFeed, type FeedEvent } from '../../src/feed/SyntheticFeed.ts';
import { seededRandom } from '../../src/util/seededRandom.ts';
import { create } from '../../modules/ingestion/market-data/index.ts';

const START = Date.UTC(2026, 0, 5, 14, 30);

/** Sample autocorrelation of `x` at `lag`. */
function acf(x: readonly number[], lag: number): number {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i]! - m) ** 2;
    if (i >= lag) num += (x[i]! - m) * (x[i - lag]! - m);
  }
  return num / den;
}

function squaredReturns(events: readonly FeedEvent[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < events.length; i++) out.push(Math.log(events[i]!.price! / events[i - 1]!.price!) ** 2);
  return out;
}

describe('SyntheticFeed', () => {
  it('is reproducible: the same seed and options give the same events, in any chunking', () => {
    const opts = { symbols: 4, seed: 11, start: START, badRate: 0.01 };
    const a = new SyntheticFeed(opts);
    const b = new SyntheticFeed(opts);
    const whole = a.next(20_000);
    const chunks = [b.next(1), b.next(7_000), b.next(12_999)].flat();
    expect(chunks).toEqual(whole);
    expect(new SyntheticFeed({ ...opts, seed: 12 }).next(100)).not.toEqual(whole.slice(0, 100));
  });

  it('spaces each instrument eventMs apart in event time, instruments in turn, never going backwards', () => {
    const f = new SyntheticFeed({ symbols: 3, seed: 1, start: START, eventMs: 100 });
    const events = f.next(3 * 1_800);
    const last = new Map<string, number>();
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      expect(e.symbol).toBe(f.symbols[i % 3]);
      if (last.has(e.symbol)) expect(e.ts - last.get(e.symbol)!).toBe(100);
      if (i > 0) expect(e.ts).toBeGreaterThanOrEqual(events[i - 1]!.ts);
      last.set(e.symbol, e.ts);
    }
    // 600 events of one instrument per minute of event time: a 1m candle closes every ~600 events.
    const first = events.filter((e) => e.symbol === 'SYN000' && e.ts < START + 60_000);
    expect(first).toHaveLength(600);
  });

  it('mixes trades and well-formed top-of-book quotes in the configured ratio', () => {
    const events = new SyntheticFeed({ symbols: 5, seed: 2, start: START, quoteRatio: 0.3 }).next(50_000);
    const quotes = events.filter((e) => e.kind === 'quote');
    const trades = events.filter((e) => e.kind === 'trade');
    expect(quotes.length + trades.length).toBe(events.length);
    expect(quotes.length / events.length).toBeGreaterThan(0.28);
    expect(quotes.length / events.length).toBeLessThan(0.32);
    expect(quotes.filter((q) => !(q.bid! > 0 && q.ask! > q.bid! && q.bidSize! >= 1 && q.askSize! >= 1))).toEqual([]);
    expect(trades.filter((t) => !(t.price! > 0 && Number.isInteger(t.size) && t.size! >= 1))).toEqual([]);
    expect(new SyntheticFeed({ symbols: 2, seed: 2, start: START, quoteRatio: 0 }).next(1_000).every((e) => e.kind === 'trade')).toBe(true);
    expect(new SyntheticFeed({ symbols: 2, seed: 2, start: START, quoteRatio: 1 }).next(1_000).every((e) => e.kind === 'quote')).toBe(true);
  });

  it('clusters volatility from GARCH alone: squared returns are autocorrelated, unlike the same returns shuffled', () => {
    // One regime for the whole run, so whatever clustering shows is the GARCH variance's.
    const f = new SyntheticFeed({ symbols: 1, seed: 3, start: START, quoteRatio: 0, dailyVol: 0.1, regimeMs: 1e12 });
    const sq = squaredReturns(f.next(60_000));
    expect(f.stats().regimeSwitches).toBe(0);
    expect(acf(sq, 1)).toBeGreaterThan(0.08);
    expect(acf(sq, 10)).toBeGreaterThan(0.05);
    const rand = seededRandom(9);
    const shuffled = [...sq];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(Math.abs(acf(shuffled, 1))).toBeLessThan(0.02);
  });

  it('switches between calm, trending and volatile regimes at the configured rate, each with its own volatility', () => {
    const f = new SyntheticFeed({ symbols: 1, seed: 5, start: START, quoteRatio: 0, dailyVol: 0.1, regimeMs: 60_000 });
    const acc: Record<string, { sum: number; n: number }> = { calm: { sum: 0, n: 0 }, trending: { sum: 0, n: 0 }, volatile: { sum: 0, n: 0 } };
    let prev = f.next(1)[0]!.price!;
    for (let k = 0; k < 120_000; k++) {
      const p = f.next(1)[0]!.price!;
      const a = acc[f.regimes()[0]!]!;
      a.sum += Math.log(p / prev) ** 2;
      a.n++;
      prev = p;
    }
    const vol = (r: string): number => Math.sqrt(acc[r]!.sum / acc[r]!.n);
    for (const r of ['calm', 'trending', 'volatile']) expect(acc[r]!.n).toBeGreaterThan(20_000);
    expect(vol('calm')).toBeLessThan(vol('trending'));
    expect(vol('trending') * 1.4).toBeLessThan(vol('volatile'));
    // 120k events of 100 ms over a 60 s mean regime: ~200 switches.
    expect(f.stats().regimeSwitches).toBeGreaterThan(150);
    expect(f.stats().regimeSwitches).toBeLessThan(250);
  });

  it('trades more at the open and close of the trading day than at midday (U-shape)', () => {
    const sessionMs = 600_000;
    const events = new SyntheticFeed({ symbols: 2, seed: 7, start: START, sessionMs }).next(120_000);
    const sum = new Array<number>(10).fill(0);
    const n = new Array<number>(10).fill(0);
    for (const e of events) {
      if (e.kind !== 'trade') continue;
      const decile = Math.floor((((e.ts - START) % sessionMs) / sessionMs) * 10);
      sum[decile]! += e.size!;
      n[decile]!++;
    }
    const mean = sum.map((s, i) => s / n[i]!);
    const midday = (mean[4]! + mean[5]!) / 2;
    expect(mean[0]! / midday).toBeGreaterThan(3);
    expect(mean[9]! / midday).toBeGreaterThan(3);
    expect(mean[2]!).toBeGreaterThan(midday);
    expect(mean[2]!).toBeLessThan(mean[0]!);
  });

  it('injects every kind of bad data at badRate, and ingestion quarantines exactly those, for exactly those reasons', async () => {
    const f = new SyntheticFeed({ symbols: 3, seed: 8, start: START, badRate: 0.02 });
    const events = f.next(30_000);
    const bad = f.stats().bad;
    const total = Object.values(bad).reduce((a, b) => a + b, 0);
    expect(total / events.length).toBeGreaterThan(0.015);
    expect(total / events.length).toBeLessThan(0.025);
    for (const k of BAD_KINDS) expect(bad[k]).toBeGreaterThan(0);

    const reports: unknown[] = [];
    const ctx = {
      tier: 'ingestion',
      name: 'market-data',
      version: '1.0.0',
      config: {},
      shadow: false,
      clock: { now: () => 0 },
      log: { debug() {}, info() {}, warn() {}, error() {} },
      effects: { call: async (_: string, payload: unknown) => (reports.push(payload), null) },
    } as unknown as ModuleContext;
    const m = create(ctx);
    let seq = 1;
    const out = await m.handle(events.map((e) => ({ seq: seq++, ...e }) as RawMarketEvent));
    expect(out).toHaveLength(events.length - total);
    const state = (await m.snapshot()) as { totals: { quarantined: Record<string, number> } };
    expect(state.totals.quarantined).toEqual({ ...bad, 'non-finite number': 0 });
    expect(reports).toEqual([{ reasons: bad }]);
  });

  it('refuses options out of range with a coded error', () => {
    for (const opts of [{ symbols: 0 }, { eventMs: 0 }, { quoteRatio: 1.5 }, { badRate: -0.1 }, { dailyVol: 0 }]) {
      let e: unknown;
      try {
        new SyntheticFeed({ symbols: 1, seed: 1, start: START, ...opts });
      } catch (err) {
        e = err;
      }
      expect(isHeliosError(e, 'HELIOS_E_INPUT_INVALID'), JSON.stringify(opts)).toBe(true);
    }
  });
});
