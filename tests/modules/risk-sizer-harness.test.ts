import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

const root = new URL('../../modules/risk/sizer/', import.meta.url).pathname;
const store = await tempDir();
const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));
afterAll(() => rm(store, { recursive: true, force: true }));

describe('risk sizer harness', () => {
  it.each([['1.0.0'], ['1.1.0']])('sizer@%s passes its golden, halted and realistic cases in a worker', async (version) => {
    // The artifact carries the shared risk library it imports.
    const { files } = await ArtifactStore.collect(join(root, version));
    expect(files).toContain('lib/risk/garch.ts');
    const v = await registry.register(join(root, version));
    const r = await runHarness(v);
    expect(r.cases.flatMap((c) => c.failures)).toEqual([]);
    expect(r.cases.map((c) => c.name.split(':')[0])).toEqual(['golden', 'halted', 'realistic']);
    expect(r.passed).toBe(true);
  });
});
