import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Files that are never part of an artifact: editor and VCS litter would change the hash without changing the code. */
const IGNORED = /(^|\/)(\.git|node_modules|\.DS_Store)(\/|$)|~$|\.swp$/;

/**
 * Immutable, content-addressed copies of module folders. Once a version is
 * registered its running code comes from `<root>/<sha256>/`, so editing the
 * source folder afterwards can never change a running version: it can only
 * register a new one.
 */
export class ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** sha256 over every file's relative path and bytes, in sorted path order. */
  static async hashFolder(dir: string): Promise<{ sha256: string; files: string[] }> {
    const files = (await listFiles(dir)).sort();
    const h = createHash('sha256');
    for (const f of files) {
      const bytes = await readFile(join(dir, f));
      h.update(`${f}\0${bytes.length}\0`);
      h.update(bytes);
    }
    return { sha256: h.digest('hex'), files };
  }

  /** Copies `dir` into the store (once per hash) and returns where it lives. */
  async put(dir: string): Promise<{ sha256: string; path: string; files: string[] }> {
    const { sha256, files } = await ArtifactStore.hashFolder(dir);
    const path = join(this.root, sha256);
    await this.#ensureRoot();
    if (await exists(path)) return { sha256, path, files };
    // Copy to a temporary name and rename, so a crash never leaves a half-written artifact under its hash.
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    for (const f of files) await cp(join(dir, f), join(tmp, f), { recursive: false });
    try {
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      if (!(await exists(path))) throw e;
    }
    return { sha256, path, files };
  }

  /**
   * Artifacts are ESM TypeScript run by Node's type stripping, which takes the
   * module format from the nearest package.json; the store may live outside
   * the project (any data directory), so it carries its own.
   */
  async #ensureRoot(): Promise<void> {
    const pkg = join(this.root, 'package.json');
    if (await exists(pkg)) return;
    await mkdir(this.root, { recursive: true });
    await writeFile(pkg, '{ "type": "module", "private": true }\n');
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256);
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = relative(dir, join(e.parentPath, e.name)).split(sep).join('/');
    if (!IGNORED.test(rel)) out.push(rel);
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
