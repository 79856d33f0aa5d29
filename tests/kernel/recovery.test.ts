import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureVector } from '../../src/contracts/tiers.ts';
import { counterModule, marketEvents } from '../helpers/moduleFixtures.ts';
import { startKernel } from './kernelHarness.ts';

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The counter module, plus: a symbol CRASH makes the worker exit after answering. */
const crashingCounter = counterModule().replace(
  'handle(items) {',
  "handle(items) { if (items.some((e) => e.symbol === 'CRASH')) setTimeout(() => process.exit(3), 5);",
);

describe('recovery', () => {
  it('a replaced worker resumes from the last checkpoint, and a crash between calls is counted', async () => {
    h = await startKernel();
    await h.loadAll(['features']);
    await h.add({ name: 'counter', tier: 'features', version: '1.0.0', code: crashingCounter });
    await h.kernel.ingest(marketEvents(10, 1));
    await h.kernel.drain();
    // Checkpoints are taken about once a second after a successful call.
    await new Promise((r) => setTimeout(r, 1100));
    await h.kernel.ingest(marketEvents(1, 1, 1_800_000_000_000));
    await h.kernel.drain();
    const dep = h.kernel.stage('features').slot.incumbent!;
    // Give the checkpoint's round trip a moment, then crash the worker between calls.
    await new Promise((r) => setTimeout(r, 50));
    await h.kernel.ingest([{ symbol: 'CRASH', ts: 1_900_000_000_000, kind: 'trade', price: 1, size: 1 }]);
    await h.kernel.drain();
    for (let i = 0; i < 100 && dep.sandbox.restarts === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(dep.sandbox.restarts).toBe(1);
    expect(dep.faultsBetweenCalls).toBe(1);
    expect(dep.lastError?.code).toBe('HELIOS_E_WORKER_CRASHED');
    await h.kernel.ingest(marketEvents(1, 1, 2_000_000_000_000));
    await h.kernel.drain();
    const last = (h.outputs.get('features') as FeatureVector[]).at(-1)!;
    // 11 events of S0 were in the checkpoint: the replacement carries on from there, not from zero.
    expect(last.symbol).toBe('S0');
    expect(last.features.count).toBe(12);
  });

  it('a snapshot that never answers fails the swap with a coded error instead of hanging it', async () => {
    // The harness round-trips snapshot too and would refuse this module, so it is loaded untested.
    h = await startKernel({ requireTests: false });
    await h.loadAll(['features']);
    const hangingSnapshot = counterModule().replace('snapshot() { return counts; },', 'snapshot() { while (true) {} },');
    const { writeModule } = await import('../helpers/moduleFixtures.ts');
    const v = await h.kernel.registry.register(await writeModule(h.dataDir + '/src', { name: 'counter', tier: 'features', version: '1.0.0', code: hangingSnapshot, deadlineMs: 500 }));
    await h.kernel.swaps.load(v.key, 't');
    await h.add({ name: 'counter', tier: 'features', version: '1.0.1', code: counterModule() }, false);
    await expect(h.kernel.swaps.swap('counter@1.0.1', { strategy: 'immediate' }, 't')).rejects.toMatchObject({ code: 'HELIOS_E_DEADLINE' });
    const slot = h.kernel.stage('features').slot;
    expect(slot.incumbent!.key).toBe('counter@1.0.0');
    expect(slot.candidate).toBeUndefined();
    // The hung incumbent was terminated and replaced; it serves again.
    await h.kernel.ingest(marketEvents(3, 1));
    await h.kernel.drain();
    expect(h.outputs.get("features"), JSON.stringify(h.kernel.status().features)).toHaveLength(3);
  }, 30_000);
});
