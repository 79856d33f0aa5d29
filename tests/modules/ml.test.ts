import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModuleContext, ModuleInstance } from '../../src/contracts/module.ts';
import type { FeatureVector, Signal } from '../../src/contracts/tiers.ts';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { create as bollinger } from '../../modules/ml/bollinger-reversion/index.ts';
import { create as logistic } from '../../modules/ml/direction/1.0.0/index.ts';
import { create as mlp } from '../../modules/ml/direction/2.0.0/index.ts';
import { create as breakout } from '../../modules/ml/momentum-breakout/index.ts';
import { create as smaCross } from '../../modules/ml/sma-cross/index.ts';
import { parseDirectionWeights, probabilityUp } from '../../modules/lib/ml/DirectionModel.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

const modulesDir = new URL('../../modules/', import.meta.url).pathname;
const store = await tempDir('helios-ml-');
const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));

function ctx(config: Record<string, unknown> = {}, logs: string[] = []): ModuleContext {
  const log = (msg: string) => logs.push(msg);
  return { tier: 'ml', name: 't', version: '1.0.0', config, shadow: false, clock: { now: () => 0 }, log: { debug: log, info: log, warn: log, error: log }, effects: { call: async () => null } };
}

async function weights(version: string) {
  return parseDirectionWeights(JSON.parse(await readFile(join(modulesDir, `ml/direction/${version}/weights.json`), 'utf8')));
}

/** A vector with the model features (`row`, in weights order) and then `extra`, all at `tf`. */
function vector(seq: number, symbol: string, tf: string, names: readonly string[], row: number[], extra: Record<string, number>): FeatureVector {
  const features: Record<string, number> = {};
  names.forEach((n, j) => (features[`${tf}.${n}`] = row[j]!));
  for (const [k, v] of Object.entries(extra)) features[`${tf}.${k}`] = v;
  return { seq, symbol, ts: seq * 60_000, price: 100 + seq, tf, features };
}

const strategyFeatures = { smaCross10_30: 0.01, atr14Pct: 0.002, bbPctB: -0.1, donchianHigh20Pct: 0, donchianLow20Pct: 0.02, volRatio20: 2 };
const handle = async (m: ModuleInstance<'ml'>, items: FeatureVector[]): Promise<Signal[]> => m.handle(items);

describe.each([
  ['1.0.0', logistic, 'ml:logistic'],
  ['2.0.0', mlp, 'ml:mlp'],
] as const)('direction %s', (version, create, source) => {
  it('emits the calibrated model signal, then one signal per strategy, copying seq/symbol/ts/price', async () => {
    const w = await weights(version);
    const item = vector(7, 'AAA', '1m', w.features, w.standardisation.mean.map((m, j) => m + 0.7 * w.standardisation.std[j]! * (j % 2 === 0 ? 1 : -1)), strategyFeatures);
    // The model's inputs as the vector carries them (volRatio20 is both a model and a strategy feature).
    const p = probabilityUp(w, w.features.map((n) => item.features[`1m.${n}`]!));
    const out = await handle(create(ctx({ deadBand: 0 })), [item]);
    expect(out.map((s) => s.source)).toEqual([source, 'sma-cross', 'bollinger-reversion', 'momentum-breakout']);
    expect(out[0]).toEqual({ seq: 7, symbol: 'AAA', ts: 7 * 60_000, price: 107, source, direction: p > 0.5 ? 1 : -1, confidence: p > 0.5 ? p : 1 - p });
    expect(out.every((s) => s.seq === 7 && s.symbol === 'AAA' && s.ts === 7 * 60_000 && s.price === 107)).toBe(true);
    expect(out.slice(1).map((s) => s.direction)).toEqual([1, 1, 1]);
  });

  it('is flat inside the dead band and reads the timeframe that closed', async () => {
    const w = await weights(version);
    const m = create(ctx({ deadBand: 0.49, strategies: [] }));
    const out = await handle(m, [vector(1, 'A', '5m', w.features, w.standardisation.mean, {})]);
    expect(out).toEqual([{ seq: 1, symbol: 'A', ts: 60_000, price: 101, source, direction: 0, confidence: 0.5 }]);
  });

  it('gives no model signal when a model feature is missing, and the strategies still speak', async () => {
    const w = await weights(version);
    const item = vector(2, 'A', '1m', w.features, w.standardisation.mean, strategyFeatures);
    delete item.features[`1m.${w.features[0]}`];
    item.features[`5m.${w.features[0]}`] = 0; // another timeframe's value does not stand in
    const out = await handle(create(ctx()), [item]);
    expect(out.map((s) => s.source)).toEqual(['sma-cross', 'bollinger-reversion', 'momentum-breakout']);
  });

  it('runs only the configured strategies and refuses bad configuration at create()', async () => {
    const w = await weights(version);
    const out = await handle(create(ctx({ strategies: ['momentum-breakout'] })), [vector(3, 'A', '1m', w.features, w.standardisation.mean, strategyFeatures)]);
    expect(out.map((s) => s.source)).toEqual([source, 'momentum-breakout']);
    expect(() => create(ctx({ strategies: ['rsi-magic'] }))).toThrow(/unknown strategy/);
    expect(() => create(ctx({ deadBand: 0.5 }))).toThrow(/deadBand/);
  });
});

describe('ml module state', () => {
  it('carries strategy positions across versions and into a single-strategy module', async () => {
    const w = await weights('1.0.0');
    const v1 = logistic(ctx());
    await handle(v1, [vector(1, 'A', '1m', w.features, w.standardisation.mean, strategyFeatures)]);
    const state = structuredClone(await v1.snapshot());
    expect(state).toEqual({ strategies: { 'sma-cross': { A: 1 }, 'bollinger-reversion': { A: 1 }, 'momentum-breakout': { A: 1 } } });

    // %B back at 0.3 holds a long only for a book that remembers it.
    const hold = { seq: 2, symbol: 'A', ts: 2, price: 100, tf: '1m', features: { '1m.bbPctB': 0.3 } };
    const v2 = mlp(ctx());
    await v2.restore(state, 1);
    expect(await handle(v2, [hold])).toEqual([{ seq: 2, symbol: 'A', ts: 2, price: 100, source: 'bollinger-reversion', direction: 1, confidence: 0.6 }]);
    const alone = bollinger(ctx());
    await alone.restore(state, 1);
    expect((await handle(alone, [hold]))[0]!.direction).toBe(1);
    expect((await handle(bollinger(ctx()), [hold]))[0]!.direction).toBe(0);
  });

  it('starts flat instead of failing a swap when handed another module\'s state', async () => {
    const logs: string[] = [];
    const m = smaCross(ctx({}, logs));
    await m.restore({ A: 1, B: -1 }, 1); // the starter ema-cross's shape
    expect(await m.snapshot()).toEqual({ strategies: { 'sma-cross': {} } });
    expect(logs).toEqual(['restored strategy positions']);
  });

  it('single-strategy modules emit one signal per input once warm, under their own source', async () => {
    const item: FeatureVector = { seq: 9, symbol: 'Z', ts: 9, price: 5, tf: '1m', features: Object.fromEntries(Object.entries(strategyFeatures).map(([k, v]) => [`1m.${k}`, v])) };
    for (const [create, source] of [[smaCross, 'sma-cross'], [bollinger, 'bollinger-reversion'], [breakout, 'momentum-breakout']] as const) {
      const out = await handle(create(ctx()), [item, { ...item, seq: 10, features: {} }]);
      expect(out.map((s) => [s.seq, s.source, s.direction])).toEqual([[9, source, 1]]);
    }
  });
});

describe('ml modules in the harness', () => {
  afterAll(() => rm(store, { recursive: true, force: true }));

  it.each(['ml/direction/1.0.0', 'ml/direction/2.0.0', 'ml/sma-cross', 'ml/bollinger-reversion', 'ml/momentum-breakout'])('%s passes its own harness cases in a worker', async (rel) => {
    const v = await registry.register(join(modulesDir, rel));
    const r = await runHarness(v);
    expect(r.cases.flatMap((c) => c.failures)).toEqual([]);
    expect(r.cases.length).toBeGreaterThanOrEqual(2);
    expect(r.passed).toBe(true);
  });
});
