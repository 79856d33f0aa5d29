import { afterEach, describe, expect, it } from 'vitest';
import { TIERS } from '../../src/contracts/tiers.ts';
import { marketEvents, PASS_THROUGH } from '../helpers/moduleFixtures.ts';
import { exactlyOnce, startKernel } from './kernelHarness.ts';

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A features module that refuses any batch above `limit`: a call over it would show up as a failure. */
function boundedFeatures(limit: number): string {
  return PASS_THROUGH.features.replace('handle(items) {', `handle(items) { if (items.length > ${limit}) throw new Error('batch of ' + items.length);`);
}

describe('batching', () => {
  it("never hands a module more items per call than its manifest's maxBatch, and coalesces up to it", async () => {
    h = await startKernel();
    await h.loadAll(['features'], 'inline');
    await h.add({ name: 'small-batches', tier: 'features', version: '1.0.0', code: boundedFeatures(100), maxBatch: 100, isolation: 'inline' });
    await h.kernel.ingest(marketEvents(2000, 5));
    await h.kernel.drain();
    const features = h.kernel.stage('features');
    const d = features.slot.incumbent!;
    expect({ failures: d.failures, failsafe: features.ledger.failsafe, handled: features.ledger.handled }).toEqual({ failures: 0, failsafe: 0, handled: 2000 });
    // Full batches, not a trickle: 2000 items in about the 20 calls the bound allows.
    expect(d.itemsIn / d.calls).toBeGreaterThan(90);
    expect(exactlyOnce(h.sent, 1, 2000)).toEqual({ missing: [], duplicated: [] });
  });

  it('a kernel ceiling below the manifests wins, for every tier', async () => {
    h = await startKernel({ stage: { maxBatch: 64 } });
    await h.loadAll([], 'inline');
    await h.kernel.ingest(marketEvents(1000, 5));
    await h.kernel.drain();
    for (const t of TIERS) {
      const d = h.kernel.stage(t).slot.incumbent!;
      expect({ t, mean: Math.ceil(d.itemsIn / d.calls) <= 64 }).toEqual({ t, mean: true });
    }
    expect(exactlyOnce(h.sent, 1, 1000)).toEqual({ missing: [], duplicated: [] });
  });
});
