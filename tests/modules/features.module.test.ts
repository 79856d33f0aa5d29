import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModuleContext, ModuleInstance } from '../../src/contracts/module.ts';
import type { Candle, FeatureVector, MarketEvent } from '../../src/contracts/tiers.ts';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { create as create10 } from '../../modules/features/indicators/1.0.0/index.ts';
import { create as create11 } from '../../modules/features/indicators/1.1.0/index.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';
import { maxDeviation } from '../reference/featureSeries.ts';
import { referenceFeatures } from '../reference/indicatorsReference.ts';

const root = new URL('../../modules/features/indicators/', import.meta.url).pathname;
const CONFIG = { timeframes: ['1m', '5m', '15m'], warmup: 30 };
const VERSIONS = [
  ['1.0.0', create10, false],
  ['1.1.0', create11, true],
] as const;

function ctx(version: string, config: Record<string, unknown> = CONFIG): ModuleContext {
  const quiet = () => {};
  return {
    tier: 'features',
    name: 'indicators',
    version,
    config,
    shadow: false,
    clock: { now: () => 0 },
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    effects: { call: async () => null },
  };
}

interface HarnessCase {
  name: string;
  batches: MarketEvent[][];
  expected?: FeatureVector[][];
}

function loadCase(version: string, file: string): HarnessCase {
  return JSON.parse(readFileSync(join(root, version, 'harness', file), 'utf8')) as HarnessCase;
}

async function run(m: ModuleInstance<'features'>, batches: MarketEvent[][]): Promise<FeatureVector[][]> {
  const out: FeatureVector[][] = [];
  for (const b of batches) out.push(await m.handle(b));
  return out;
}

/**
 * What the module must emit for these events, built from the reference
 * implementation: one vector per event that closes a primary candle once
 * `warmup` primary candles exist, holding every timeframe's reference values
 * for the candles seen up to that event.
 */
function expectedVectors(events: MarketEvent[], extended: boolean, timeframes = CONFIG.timeframes, warmup = CONFIG.warmup): Map<number, { price: number; features: Record<string, number> }> {
  const candles = new Map<string, Candle[]>();
  const key = (symbol: string, tf: string) => `${symbol} ${tf}`;
  for (const e of events) for (const c of e.candles ?? []) if (timeframes.includes(c.tf)) candles.set(key(e.symbol, c.tf), [...(candles.get(key(e.symbol, c.tf)) ?? []), c]);
  const ref = new Map([...candles].map(([k, cs]) => [k, referenceFeatures(cs, { extended })]));
  const seen = new Map<string, number>();
  const out = new Map<number, { price: number; features: Record<string, number> }>();
  for (const e of events) {
    let price: number | undefined;
    for (const c of e.candles ?? []) {
      if (!timeframes.includes(c.tf)) continue;
      seen.set(key(e.symbol, c.tf), (seen.get(key(e.symbol, c.tf)) ?? 0) + 1);
      if (c.tf === timeframes[0]) price = c.close;
    }
    if (price === undefined || (seen.get(key(e.symbol, timeframes[0]!)) ?? 0) < warmup) continue;
    const features: Record<string, number> = {};
    for (const tf of timeframes) {
      const n = seen.get(key(e.symbol, tf)) ?? 0;
      if (n > 0) for (const [name, v] of Object.entries(ref.get(key(e.symbol, tf))![n - 1]!)) features[`${tf}.${name}`] = v;
    }
    out.set(e.seq, { price, features });
  }
  return out;
}

describe.each(VERSIONS)('indicators %s via create()', (version, create, extended) => {
  it.each(['golden.json', 'realistic.json'])('%s: emits exactly on primary closes after warm-up, with the reference values of every timeframe', async (file) => {
    const c = loadCase(version, file);
    const outputs = (await run(create(ctx(version)), c.batches)).flat();
    const events = c.batches.flat();
    const want = expectedVectors(events, extended);
    expect(want.size).toBeGreaterThan(0);
    expect(outputs.map((o) => o.seq)).toEqual([...want.keys()]);
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    for (const o of outputs) {
      const e = bySeq.get(o.seq)!;
      expect({ symbol: o.symbol, ts: o.ts, tf: o.tf, price: o.price }).toEqual({ symbol: e.symbol, ts: e.ts, tf: '1m', price: want.get(o.seq)!.price });
      const d = maxDeviation(o.features, want.get(o.seq)!.features);
      expect(d.dev, `seq ${o.seq} ${d.key}`).toBeLessThanOrEqual(1e-9);
    }
    if (c.expected) expect(await run(create(ctx(version)), c.batches)).toEqual(c.expected);
  });

  it('ignores events without candles and candles of unconfigured timeframes', async () => {
    const m = create(ctx(version, { timeframes: ['1m'], warmup: 1 }));
    const trade = (seq: number, candles?: Candle[]): MarketEvent => ({ seq, symbol: 'A', ts: seq, kind: 'trade', price: 10, size: 1, ...(candles ? { candles } : {}) });
    const bar = (tf: string): Candle => ({ tf, start: 0, open: 10, high: 11, low: 9, close: 10.5, volume: 3, count: 2 });
    expect(await m.handle([trade(1), trade(2), trade(3, [bar('5m')]), trade(4)])).toEqual([]);
    const out = await m.handle([trade(5, [bar('1m')]), trade(6)]);
    expect(out.map((o) => [o.seq, o.price, o.features['1m.rangePct']])).toEqual([[5, 10.5, 2 / 10.5]]);
  });

  it('resumes from its own snapshot exactly as if never interrupted', async () => {
    const c = loadCase(version, 'realistic.json');
    const straight = await run(create(ctx(version)), c.batches);
    const first = create(ctx(version));
    await run(first, c.batches.slice(0, 2));
    const second = create(ctx(version));
    await second.restore(structuredClone(await first.snapshot()), extended ? 2 : 1);
    expect(await run(second, c.batches.slice(2))).toEqual(straight.slice(2));
  });

  it('refuses bad config', () => {
    expect(() => create(ctx(version, { timeframes: [] }))).toThrow(/timeframes/);
    expect(() => create(ctx(version, { timeframes: ['1m', '1m'] }))).toThrow(/timeframes/);
    expect(() => create(ctx(version, { warmup: 0 }))).toThrow(/warmup/);
  });
});

describe('indicators live swap 1.0.0 -> 1.1.0', () => {
  it('adopts a 1.0.0 snapshot: identical v1 values from the first vector on, the additions warming up after', async () => {
    const c = loadCase('1.0.0', 'realistic.json');
    const old = create10(ctx('1.0.0'));
    await run(old, c.batches.slice(0, 1));
    const next = create11(ctx('1.1.0'));
    await next.restore(structuredClone(await old.snapshot()), 1);
    const oldOut = (await run(old, c.batches.slice(1))).flat();
    const newOut = (await run(next, c.batches.slice(1))).flat();
    expect(newOut.map((o) => o.seq)).toEqual(oldOut.map((o) => o.seq));
    expect(oldOut.length).toBeGreaterThan(20);
    oldOut.forEach((o, i) => {
      const n = newOut[i]!;
      const v1Only = Object.fromEntries(Object.entries(n.features).filter(([k]) => k in o.features));
      expect(v1Only).toEqual(o.features);
    });
    // parkinson20 needs 20 candles of its own: about 10 1m candles have closed since the swap at the first
    // vector (a 1.1.0 that ran from the start has it there), 40 by the last.
    const fresh = (await run(create11(ctx('1.1.0')), c.batches)).flat();
    expect(fresh.find((o) => o.seq === newOut[0]!.seq)!.features['1m.parkinson20']).toBeTypeOf('number');
    expect(newOut[0]!.features['1m.parkinson20']).toBeUndefined();
    expect(newOut.at(-1)!.features['1m.parkinson20']).toBeTypeOf('number');
  });

  it('each version refuses a state version it cannot read', async () => {
    const snap = await create11(ctx('1.1.0')).snapshot();
    expect(() => create10(ctx('1.0.0')).restore(snap, 2)).toThrow(/state version 2/);
    expect(() => create11(ctx('1.1.0')).restore(snap, 3)).toThrow(/state version 3/);
  });
});

describe('indicators harness', () => {
  let store = '';
  afterAll(() => (store ? rm(store, { recursive: true, force: true }) : undefined));

  it.each(VERSIONS.map(([v]) => [v]))('%s passes its own harness cases in a worker', async (version) => {
    store ||= await tempDir();
    const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));
    const r = await runHarness(await registry.register(join(root, version)));
    expect(r.cases.flatMap((x) => x.failures)).toEqual([]);
    expect(r.cases.map((x) => x.name).length).toBe(2);
    expect(r.passed).toBe(true);
  });
});
