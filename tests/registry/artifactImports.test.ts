import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactStore, relativeValueImports } from '../../src/registry/ArtifactStore.ts';
import { ModuleRegistry } from '../../src/registry/ModuleRegistry.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

/** A modules/ tree where risk/sizer imports ../../lib/scale.ts, which imports ./half.ts. */
async function tree(): Promise<{ root: string; moduleDir: string }> {
  const root = await tempDir();
  const moduleDir = join(root, 'modules', 'risk', 'sizer');
  await mkdir(join(moduleDir, 'harness'), { recursive: true });
  await mkdir(join(root, 'modules', 'lib'), { recursive: true });
  await writeFile(join(root, 'modules', 'lib', 'half.ts'), 'export const half = (x: number) => x / 2;\n');
  await writeFile(join(root, 'modules', 'lib', 'scale.ts'), "import { half } from './half.ts';\nexport function scale(x: number) { return half(x) * 3; }\n");
  await writeFile(join(root, 'modules', 'lib', 'unused.ts'), 'export const unused = 1;\n');
  await writeFile(
    join(moduleDir, 'index.ts'),
    [
      "import type { Tier } from '../../../src/contracts/tiers.ts';",
      "import {",
      "  scale,",
      "} from '../../lib/scale.ts';",
      'export function create() { return { handle: (xs: unknown[]) => xs, snapshot: () => scale(4), restore() {}, dispose() {} }; }',
      'export type T = Tier;',
    ].join('\n'),
  );
  await writeFile(
    join(moduleDir, 'manifest.json'),
    JSON.stringify({ name: 'sizer', tier: 'risk', version: '1.0.0', stateVersion: 1, isolation: 'inline', entry: 'index.ts', deadlineMs: 100 }),
  );
  await writeFile(join(moduleDir, 'harness', 'basic.json'), '{"name":"basic","batches":[[]]}');
  return { root, moduleDir };
}

describe('artifacts include the shared code a module imports', () => {
  it('finds value imports, skips type-only ones', () => {
    const src = [
      "import type { A } from './types.ts';",
      "import { type B, c } from './mixed.ts';",
      "export * from './reexport.ts';",
      "export type { D } from './dtypes.ts';",
      "import './side.ts';",
      "const m = await import('./dyn.ts');",
      "import { z } from 'zod';",
      "// import { x } from './commented.ts';",
    ].join('\n');
    expect(relativeValueImports(src).sort()).toEqual(['./dyn.ts', './mixed.ts', './reexport.ts', './side.ts']);
  });

  it('copies the import closure at its relative layout and runs from the copy', async () => {
    const { root, moduleDir } = await tree();
    const a = await ArtifactStore.collect(moduleDir);
    expect(a.root).toBe(join(root, 'modules'));
    expect(a.moduleRel).toBe('risk/sizer');
    expect(a.files).toEqual(['lib/half.ts', 'lib/scale.ts', 'risk/sizer/harness/basic.json', 'risk/sizer/index.ts', 'risk/sizer/manifest.json']);
    const reg = new ModuleRegistry(new ArtifactStore(join(root, 'store')));
    const v = await reg.register(moduleDir);
    expect(v.path.endsWith(join(v.sha256, 'risk', 'sizer'))).toBe(true);
    const mod = (await import(v.moduleUrl)) as { create: () => { snapshot: () => number } };
    expect(mod.create().snapshot()).toBe(6);
    // The stored copy hashes to the same name: what restart checks.
    expect((await ArtifactStore.hashFolder(v.path)).sha256).toBe(v.sha256);
  });

  it('a change to a shared file is a new artifact, and the same version label is then refused', async () => {
    const { root, moduleDir } = await tree();
    const reg = new ModuleRegistry(new ArtifactStore(join(root, 'store')));
    const v1 = await reg.register(moduleDir);
    const lib = join(root, 'modules', 'lib', 'half.ts');
    await writeFile(lib, (await readFile(lib, 'utf8')).replace('/ 2', '/ 4'));
    expect((await ArtifactStore.hashFolder(moduleDir)).sha256).not.toBe(v1.sha256);
    await expect(reg.register(moduleDir)).rejects.toMatchObject({ code: 'HELIOS_E_MODULE_EXISTS' });
  });

  it('refuses an import of a file that does not exist', async () => {
    const { moduleDir } = await tree();
    await writeFile(join(moduleDir, 'index.ts'), "import { x } from './missing.ts';\nexport function create() { return x; }\n");
    await expect(ArtifactStore.collect(moduleDir)).rejects.toMatchObject({ code: 'HELIOS_E_MANIFEST_INVALID' });
  });
});
