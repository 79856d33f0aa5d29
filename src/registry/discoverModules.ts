import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TIERS, type Tier } from '../contracts/tiers.ts';

export interface FoundModule {
  tier: Tier;
  dir: string;
}

/**
 * Module folders under `modules/`: `<tier>/<name>/` holding a manifest.json,
 * or, for a module that ships several versions side by side,
 * `<tier>/<name>/<version>/`. Shared code (`modules/lib/`) is not a tier and
 * is never a module of its own: it reaches an artifact only by being imported.
 */
export async function discoverModules(modulesDir: string): Promise<FoundModule[]> {
  const out: FoundModule[] = [];
  for (const tier of TIERS) {
    for (const name of await subdirs(join(modulesDir, tier))) {
      const dir = join(modulesDir, tier, name);
      if (await isFile(join(dir, 'manifest.json'))) {
        out.push({ tier, dir });
        continue;
      }
      for (const version of await subdirs(dir)) {
        if (await isFile(join(dir, version, 'manifest.json'))) out.push({ tier, dir: join(dir, version) });
      }
    }
  }
  return out;
}

async function subdirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}
