import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

const store = await tempDir();
afterAll(() => rm(store, { recursive: true, force: true }));

it('execution/trader registers as an artifact and passes its own harness cases in a worker', async () => {
  const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));
  const v = await registry.register(new URL('../../modules/execution/trader/', import.meta.url).pathname);
  const r = await runHarness(v);
  expect(r.cases.map((c) => [c.name.split(':')[0], c.failures])).toEqual([
    ['ACTIVE', []],
    ['HALTED', []],
    ['REDUCING', []],
    ['several batches without a book (account.snapshot answers null)', []],
  ]);
  expect(r.passed).toBe(true);
});
