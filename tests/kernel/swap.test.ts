import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureVector } from '../../src/contracts/tiers.ts';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { counterModule, marketEvents } from '../helpers/moduleFixtures.ts';
import { exactlyOnce, startKernel } from './kernelHarness.ts';

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const counter = (version: string, opts: Parameters<typeof counterModule>[0] = {}) => ({
  name: 'counter',
  tier: 'features' as const,
  version,
  code: counterModule(opts),
  deadlineMs: 500,
});

/** Feeds `total` events in small batches without waiting for the pipeline, as a live feed would. */
async function feed(k: Awaited<ReturnType<typeof startKernel>>['kernel'], total: number, symbols = 4, batch = 20): Promise<void> {
  const events = marketEvents(total, symbols);
  for (let i = 0; i < total; i += batch) {
    await k.ingest(events.slice(i, i + batch));
    await new Promise((r) => setImmediate(r));
  }
}

describe('swap protocol', () => {
  it('swaps a stateful module repeatedly under load with no event lost or duplicated, state carried by restore', async () => {
    h = await startKernel({ rollbackWindowMs: 50 });
    await h.loadAll(['features']);
    await h.add(counter('1.0.0'));
    const versions = ['1.0.1', '1.0.2', '1.0.3', '1.0.4'];
    for (const v of versions) await h.add(counter(v), false);
    const total = 4000;
    const feeding = feed(h.kernel, total);
    for (const v of versions) {
      await new Promise((r) => setTimeout(r, 15));
      const r = await h.kernel.swaps.swap(`counter@${v}`, { strategy: 'immediate' }, 'test');
      expect(r.state).toBe('promoted');
    }
    await feeding;
    await h.kernel.drain();
    expect(exactlyOnce(h.outputs.get('features')!, 1, total)).toEqual({ missing: [], duplicated: [] });
    expect(exactlyOnce(h.sent, 1, total)).toEqual({ missing: [], duplicated: [] });
    // The count per symbol never restarts: state moved across every swap.
    const perSymbol = new Map<string, number[]>();
    for (const f of h.outputs.get('features')! as FeatureVector[]) perSymbol.set(f.symbol, [...(perSymbol.get(f.symbol) ?? []), f.features.count!]);
    for (const counts of perSymbol.values()) expect(counts).toEqual(counts.map((_, i) => i + 1));
    expect(h.kernel.stage('features').slot.incumbent!.key).toBe('counter@1.0.4');
    const promotions = h.kernel.audit.entries({ tier: 'features', action: 'promote' });
    expect(promotions).toHaveLength(4);
    for (const p of promotions) expect(p.seq).toBeGreaterThan(0);
  });

  it('rolls back to the warm previous version in one synchronous flip, with its state current', async () => {
    h = await startKernel({ rollbackWindowMs: 60_000 });
    await h.loadAll(['features']);
    await h.add(counter('1.0.0'));
    await h.add(counter('2.0.0', { bias: 1000 }), false);
    await h.kernel.ingest(marketEvents(100, 2));
    await h.kernel.drain();
    await h.kernel.swaps.swap('counter@2.0.0', { strategy: 'immediate' }, 'test');
    await h.kernel.ingest(marketEvents(100, 2, 2_000_000_000_000));
    await h.kernel.drain();
    const slot = h.kernel.stage('features').slot;
    expect(slot.previous?.key).toBe('counter@1.0.0');
    const r = h.kernel.swaps.rollback('features', 'test');
    expect(r).toEqual({ to: 'counter@1.0.0', from: 'counter@2.0.0' });
    expect(slot.incumbent!.key).toBe('counter@1.0.0');
    await h.kernel.ingest(marketEvents(2, 2, 3_000_000_000_000));
    await h.kernel.drain();
    const out = h.outputs.get('features')!.slice(-2) as FeatureVector[];
    // 100 + 100 events over 2 symbols before: the warm previous saw all of them as shadow copies.
    expect(out.map((f) => f.features.count)).toEqual([101, 101]);
    expect(exactlyOnce(h.outputs.get('features')!, 1, 202)).toEqual({ missing: [], duplicated: [] });
    expect(() => h!.kernel.swaps.rollback('features', 'test')).toThrowError(expect.objectContaining({ code: 'HELIOS_E_NO_PREVIOUS' }));
  });

  it('rejects a deliberately wrong candidate on the shadow diff and keeps the incumbent', async () => {
    h = await startKernel();
    await h.loadAll(['features']);
    await h.add(counter('1.0.0'));
    await h.add(counter('1.1.0', { bias: 1 }), false);
    const r = await h.kernel.swaps.swap('counter@1.1.0', { strategy: 'shadow', shadowItems: 200 }, 'test');
    expect(r.state).toBe('shadow');
    await h.kernel.ingest(marketEvents(50, 2));
    await h.kernel.drain();
    await h.kernel.stage('features').slot.settleShadows?.();
    await h.kernel.ingest(marketEvents(10, 2, 2_000_000_000_000));
    await h.kernel.drain();
    expect(r.state).toBe('rolled-back');
    expect(r.reason).toMatch(/shadow diff/);
    expect(r.report!.mismatches).toBeGreaterThan(0);
    expect(r.report!.samples[0]).toMatchObject({ seq: expect.any(Number) });
    const slot = h.kernel.stage('features').slot;
    expect(slot.incumbent!.key).toBe('counter@1.0.0');
    expect(slot.candidate).toBeUndefined();
    // The wrong candidate's output never went downstream.
    for (const f of h.outputs.get('features')! as FeatureVector[]) expect(f.features.count).toBeLessThan(100);
    expect(exactlyOnce(h.sent, 1, 60)).toEqual({ missing: [], duplicated: [] });
  });

  it('promotes a faithful shadow candidate on its own once enough output has matched', async () => {
    h = await startKernel();
    await h.loadAll(['features']);
    await h.add(counter('1.0.0'));
    await h.add(counter('1.0.1'), false);
    const r = await h.kernel.swaps.swap('counter@1.0.1', { strategy: 'shadow', shadowItems: 100 }, 'test');
    for (let i = 0; i < 10 && r.state === 'shadow'; i++) {
      await h.kernel.ingest(marketEvents(40, 2, 1_700_000_000_000 + i * 100));
      await h.kernel.drain();
      await h.kernel.stage('features').slot.settleShadows();
    }
    expect(r.state).toBe('promoted');
    expect(r.report!.mismatches).toBe(0);
    expect(h.kernel.stage('features').slot.incumbent!.key).toBe('counter@1.0.1');
  });

  it('rolls a canary back on its own when the candidate error rate rises', async () => {
    h = await startKernel({ breaker: { volumeThreshold: 1000, consecutiveFailures: 1000 } });
    await h.loadAll(['features']);
    await h.add(counter('1.0.0'));
    await h.add(counter('1.2.0', { failEvery: 3 }), false);
    const r = await h.kernel.swaps.swap('counter@1.2.0', { strategy: 'canary', steps: [50, 100], stepItems: 100, analysis: { maxErrorRate: 0.05 } }, 'test');
    expect(r.state).toBe('canary');
    for (let i = 0; i < 20 && r.state === 'canary'; i++) await feed(h.kernel, 50, 8, 10);
    await h.kernel.drain();
    expect(r.state).toBe('rolled-back');
    expect(r.steps.at(-1)).toMatchObject({ passed: false });
    expect(r.steps.at(-1)!.reasons.join()).toMatch(/error rate/);
    expect(h.kernel.stage('features').slot.incumbent!.key).toBe('counter@1.0.0');
    const ledger = h.kernel.stage('features').ledger;
    expect(ledger.handled + ledger.failsafe).toBe(ledger.entered);
    expect(h.kernel.audit.entries({ tier: 'features', action: 'canary.step.fail' })).toHaveLength(1);
  });

  // Latency analysis is loosened here: this test is about stepping, and a loaded CI box makes p99s noisy.
  it('steps a healthy canary through its weights and promotes it', async () => {
    h = await startKernel();
    await h.loadAll(['features']);
    await h.add(counter('1.0.0'));
    await h.add(counter('1.3.0'), false);
    const r = await h.kernel.swaps.swap('counter@1.3.0', { strategy: 'canary', steps: [25, 50, 100], stepItems: 60, analysis: { maxLatencyRatio: 1000, latencySlackMs: 1000 } }, 'test');
    const weights: number[] = [];
    for (let i = 0; i < 40 && r.state === 'canary'; i++) {
      if (weights.at(-1) !== r.percent) weights.push(r.percent);
      if (r.state === 'canary') expect(h.kernel.status().features).toMatchObject({ rollout: { id: r.id, candidatePercent: r.percent, incumbentPercent: 100 - r.percent } });
      await feed(h.kernel, 40, 16, 10);
      await h.kernel.drain();
    }
    expect(r.state).toBe('promoted');
    expect(weights).toEqual([25, 50, 100]);
    expect(r.steps.map((s) => s.passed)).toEqual([true, true, true]);
    const flag = h.kernel.flags.current().feature('helios.route.features') as { variants: { name: string; weight: number }[] };
    expect(flag.variants).toEqual([expect.objectContaining({ name: 'counter@1.3.0', weight: 1000 })]);
  });

  it('refuses to swap in a version with no passing harness run for its exact hash', async () => {
    h = await startKernel();
    await h.loadAll(['features']);
    await h.add(counter('1.0.0'));
    const { writeModule } = await import('../helpers/moduleFixtures.ts');
    const dir = await writeModule(h.dataDir + '/src', counter('9.0.0'));
    const v = await h.kernel.registry.register(dir);
    let err: unknown;
    try {
      await h.kernel.swaps.swap(v.key, { strategy: 'immediate' }, 'test');
    } catch (e) {
      err = e;
    }
    expect(isHeliosError(err, 'HELIOS_E_TEST_REQUIRED')).toBe(true);
    expect(h.kernel.stage('features').slot.incumbent!.key).toBe('counter@1.0.0');
  });
});
