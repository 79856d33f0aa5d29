import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { runHarness } from '../../src/swap/Harness.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';
import { ALLOCATOR_DIR } from '../portfolio/allocatorFixtures.ts';

/**
 * A harness case runs under its manifest's config, and the shipped manifest
 * says method "merge". The optimiser cases (cases/<method>/) therefore run
 * here, through the real harness (worker, effects answered from the case,
 * contract and golden checks), on a copy of the module whose manifest config
 * carries cases/<method>/overrides.json, together with the realistic case.
 */
const store = await tempDir('helios-portfolio-');
afterAll(() => rm(store, { recursive: true, force: true }));
const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));
const modulesRoot = join(ALLOCATOR_DIR, '..', '..');

async function variant(method: string): Promise<string> {
  const root = join(store, 'modules');
  const dir = join(root, 'portfolio', `allocator-${method}`);
  await mkdir(join(root, 'lib'), { recursive: true });
  await cp(join(modulesRoot, 'lib', 'portfolio'), join(root, 'lib', 'portfolio'), { recursive: true });
  await cp(ALLOCATOR_DIR, dir, { recursive: true });
  await rm(join(dir, 'harness'), { recursive: true });
  await mkdir(join(dir, 'harness'));
  const cases = join(ALLOCATOR_DIR, 'cases', method);
  for (const f of await readdir(cases)) if (f !== 'overrides.json') await cp(join(cases, f), join(dir, 'harness', f));
  await cp(join(ALLOCATOR_DIR, 'harness', 'realistic.json'), join(dir, 'harness', 'realistic.json'));
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  const overrides = JSON.parse(await readFile(join(cases, 'overrides.json'), 'utf8'));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, name: `allocator-${method}`, config: { ...manifest.config, ...overrides } }));
  return dir;
}

describe('allocator harness', () => {
  it('the shipped merge cases pass (golden, conflict, REJECT, realistic)', async () => {
    const r = await runHarness(await registry.register(ALLOCATOR_DIR));
    expect(r.cases.map((c) => c.name).length).toBe(4);
    expect(r.cases.flatMap((c) => c.failures)).toEqual([]);
  });

  it.each(['black-litterman', 'mean-variance'])('%s: golden (hand-checked) and realistic cases pass', async (method) => {
    const r = await runHarness(await registry.register(await variant(method)));
    expect(r.cases.length).toBe(2);
    expect(r.cases.flatMap((c) => c.failures)).toEqual([]);
    expect(r.passed).toBe(true);
  });
});
