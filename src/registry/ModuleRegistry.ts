import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseManifest, versionKey } from '../contracts/manifest.ts';
import type { Tier } from '../contracts/tiers.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import { ArtifactStore } from './ArtifactStore.ts';
import type { ModuleVersion } from './ModuleVersion.ts';

/**
 * Every registered version by `name@version`. Registration is idempotent for
 * identical content and refuses the same name@version with different content,
 * because a version label that can mean two different codes cannot be audited.
 */
export class ModuleRegistry {
  #store: ArtifactStore;
  #versions = new Map<string, ModuleVersion>();
  #now: () => number;

  constructor(store: ArtifactStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  async register(dir: string): Promise<ModuleVersion> {
    const source = resolve(dir);
    const raw = await readManifest(source);
    const manifest = parseManifest(raw, join(source, 'manifest.json'));
    const entry = join(source, manifest.entry);
    if (!(await isFile(entry))) {
      throw new HeliosError('HELIOS_E_MANIFEST_INVALID', `entry ${manifest.entry} not found in ${source}`, { entry: manifest.entry });
    }
    const { sha256 } = await ArtifactStore.hashFolder(source);
    const key = versionKey(manifest);
    const existing = this.#versions.get(key);
    if (existing !== undefined) {
      if (existing.sha256 === sha256) return existing;
      throw new HeliosError('HELIOS_E_MODULE_EXISTS', `${key} is registered with different content (${existing.sha256.slice(0, 12)}); bump the version`, {
        key,
        registered: existing.sha256,
        offered: sha256,
      });
    }
    const put = await this.#store.put(source);
    const version: ModuleVersion = Object.freeze({
      key,
      manifest,
      sha256: put.sha256,
      path: put.path,
      moduleUrl: pathToFileURL(join(put.path, manifest.entry)).href,
      source,
      registeredAt: this.#now(),
    });
    this.#versions.set(key, version);
    return version;
  }

  /** Re-admits a version already in the store (after a restart), checking its bytes still hash to its name. */
  adopt(version: ModuleVersion): void {
    this.#versions.set(version.key, version);
  }

  get(key: string): ModuleVersion {
    const v = this.#versions.get(key);
    if (v === undefined) throw new HeliosError('HELIOS_E_VERSION_UNKNOWN', `no registered version ${key}`, { key });
    return v;
  }

  has(key: string): boolean {
    return this.#versions.has(key);
  }

  list(filter?: { tier?: Tier; name?: string }): ModuleVersion[] {
    return [...this.#versions.values()].filter(
      (v) => (filter?.tier === undefined || v.manifest.tier === filter.tier) && (filter?.name === undefined || v.manifest.name === filter.name),
    );
  }
}

async function readManifest(dir: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch {
    throw new HeliosError('HELIOS_E_MODULE_NOT_FOUND', `no manifest.json in ${dir}`, { dir });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HeliosError('HELIOS_E_MANIFEST_INVALID', `${join(dir, 'manifest.json')} is not JSON: ${(e as Error).message}`);
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
