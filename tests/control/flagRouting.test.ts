import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureVector } from '../../src/contracts/tiers.ts';
import { ControlPlane } from '../../src/control/ControlPlane.ts';
import { routeFlag } from '../../src/swap/routeFlag.ts';
import { counterModule, marketEvents, PASS_THROUGH, tempDir, writeModule } from '../helpers/moduleFixtures.ts';
import { TIERS } from '../../src/contracts/tiers.ts';

describe('flag files drive routing', () => {
  it('an edit of the routing flag on disk moves live traffic within a second; a broken edit changes nothing', async () => {
    const dataDir = await tempDir();
    const flagsDir = join(dataDir, 'flags');
    const cp = await ControlPlane.start({ dataDir, flagsDir, modulesDir: join(dataDir, 'src') });
    try {
      for (const tier of TIERS.filter((t) => t !== 'features')) {
        const v = await cp.register(await writeModule(join(dataDir, 'src'), { name: `pass-${tier}`, tier, version: '1.0.0', code: PASS_THROUGH[tier] }), 't');
        await cp.test(v.key, 't');
        await cp.kernel.swaps.load(v.key, 't');
      }
      const a = await cp.register(await writeModule(join(dataDir, 'src'), { name: 'counter', tier: 'features', version: '1.0.0', code: counterModule() }), 't');
      const b = await cp.register(await writeModule(join(dataDir, 'src'), { name: 'counter', tier: 'features', version: '2.0.0', code: counterModule({ bias: 1000 }) }), 't');
      for (const k of [a.key, b.key]) await cp.test(k, 't');
      await cp.kernel.swaps.load(a.key, 't');
      // A shadow rollout puts 2.0.0 in the slot without routing anything to it.
      await cp.kernel.swaps.swap(b.key, { strategy: 'shadow' }, 't');
      const outputs: FeatureVector[] = [];
      cp.kernel.tap('features', (items) => void outputs.push(...(items as FeatureVector[])));

      const routedToB = async (): Promise<boolean> => {
        outputs.length = 0;
        await cp.kernel.ingest(marketEvents(4, 1, Date.now()));
        await cp.kernel.drain();
        return outputs.length > 0 && outputs.every((f) => f.features.count! > 1000);
      };
      expect(await routedToB()).toBe(false);

      // An operator edits the routing flag file: every symbol to 2.0.0.
      const file = join(flagsDir, 'helios.route.features.json');
      await writeFile(file, JSON.stringify(routeFlag('features', [{ key: b.key, weight: 1000 }])));
      let moved = false;
      const t0 = Date.now();
      while (!moved && Date.now() - t0 < 1000) moved = await routedToB();
      expect(moved).toBe(true);

      // A broken edit is rejected with its code, and routing stays where it was.
      await writeFile(file, '{ "name": "helios.route.features", "variants": [ { "weight": "lots" } ');
      const t1 = Date.now();
      while (cp.flagFiles.lastError === undefined && Date.now() - t1 < 2000) await new Promise((r) => setTimeout(r, 20));
      expect(cp.flagFiles.lastError?.error.code).toBe('HELIOS_E_FLAG_INVALID');
      expect(await routedToB()).toBe(true);
    } finally {
      await cp.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
