import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';
import { ALLOCATOR_DIR } from '../portfolio/allocatorFixtures.ts';

const store = await tempDir('helios-portfolio-');
afterAll(() => rm(store, { recursive: true, force: true }));
const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));

describe('allocator harness', () => {
  it('every shipped case passes: merge golden, conflict, REJECT, realistic, and the optimisers under their case config', async () => {
    const r = await runHarness(await registry.register(ALLOCATOR_DIR));
    expect(r.cases.map((c) => c.name.split(':')[0]).length).toBe(6);
    expect(r.cases.flatMap((c) => c.failures)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it.each(['black-litterman', 'mean-variance'])('the %s case depends on its config override (without it the golden output differs)', async (method) => {
    // A copy of the module whose optimiser case has lost its `config`: it then runs as "merge" and must fail.
    const modulesRoot = join(ALLOCATOR_DIR, '..', '..');
    const copy = join(store, `modules-${method}`);
    await cp(modulesRoot, copy, { recursive: true, filter: (src) => !src.includes(`${join('modules', 'portfolio')}/`) || src.includes('allocator') });
    const dir = join(copy, 'portfolio', 'allocator');
    const caseFile = join(dir, 'harness', `${method}.json`);
    const c = JSON.parse(await readFile(caseFile, 'utf8'));
    delete c.config;
    await writeFile(caseFile, JSON.stringify(c));
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, name: `allocator-${method}` }));
    const r = await runHarness(await registry.register(dir));
    const failed = r.cases.find((x) => x.name.startsWith(method));
    expect(failed?.failures.join('\n')).toMatch(/differs from the golden output/);
  });
});
