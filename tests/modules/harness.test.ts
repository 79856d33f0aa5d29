import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TIERS } from '../../src/contracts/tiers.ts';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { discoverModules } from '../../src/registry/discoverModules.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

const root = new URL('../../modules/', import.meta.url).pathname;
const store = await tempDir();
const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));
afterAll(() => rm(store, { recursive: true, force: true }));

const folders = (await discoverModules(root)).map((m) => m.dir);

describe('shipped modules', () => {
  it('cover every tier', () => {
    for (const tier of TIERS) expect(folders.some((f) => f.includes(`/modules/${tier}/`))).toBe(true);
  });

  it.each(folders.map((f) => [f.slice(root.length)]))('%s passes its own harness cases', async (rel) => {
    const v = await registry.register(join(root, rel));
    const r = await runHarness(v);
    expect(r.cases.flatMap((c) => c.failures)).toEqual([]);
    expect(r.passed).toBe(true);
  });
});
