import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureVector } from '../../src/contracts/tiers.ts';
import { counterModule, marketEvents, writeModule } from '../helpers/moduleFixtures.ts';
import { startKernel } from './kernelHarness.ts';

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('module registry', () => {
  it('runs the registered bytes: editing the source folder later changes nothing that runs', async () => {
    h = await startKernel();
    await h.loadAll(['features']);
    const spec = { name: 'counter', tier: 'features' as const, version: '1.0.0', code: counterModule() };
    const dir = await writeModule(h.dataDir + '/src', spec);
    const v = await h.kernel.registry.register(dir);
    expect(v.path).toContain(v.sha256);
    await h.kernel.swaps.test(v.key, 't');
    await h.kernel.swaps.load(v.key, 't');
    // Sabotage the source after registration.
    await writeFile(join(dir, 'index.ts'), counterModule({ bias: 500 }));
    await h.kernel.ingest(marketEvents(4, 1));
    await h.kernel.drain();
    expect((h.outputs.get('features') as FeatureVector[]).map((f) => f.features.count)).toEqual([1, 2, 3, 4]);
    // The edited folder is different content under the same name@version: refused.
    await expect(h.kernel.registry.register(dir)).rejects.toMatchObject({ code: 'HELIOS_E_MODULE_EXISTS' });
    expect(h.kernel.registry.list()).toHaveLength(7);
  });

  it('refuses a candidate whose restore rejects the handed-over state, leaving the incumbent serving', async () => {
    h = await startKernel();
    await h.loadAll(['features']);
    await h.add({ name: 'counter', tier: 'features', version: '1.0.0', code: counterModule({ stateVersion: 2 }), stateVersion: 2 });
    await h.add({ name: 'counter', tier: 'features', version: '2.0.0', code: counterModule() }, false);
    await h.kernel.ingest(marketEvents(10, 2));
    await h.kernel.drain();
    await expect(h.kernel.swaps.swap('counter@2.0.0', { strategy: 'immediate' }, 't')).rejects.toMatchObject({ code: 'HELIOS_E_STATE_MIGRATION' });
    const slot = h.kernel.stage('features').slot;
    expect(slot.incumbent!.key).toBe('counter@1.0.0');
    expect(slot.candidate).toBeUndefined();
    await h.kernel.ingest(marketEvents(2, 2, 2_000_000_000_000));
    await h.kernel.drain();
    expect((h.outputs.get('features') as FeatureVector[]).slice(-2).map((f) => f.features.count)).toEqual([6, 6]);
    expect(h.kernel.swaps.rollouts().at(-1)).toMatchObject({ state: 'aborted' });
  });
});
